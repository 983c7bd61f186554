import type { SessionsChangedEvent } from '@openclaw/protocol';
import type { ThinkingRow } from '../agent/session-thinking.ts';
import type { Connection } from '../connection/connection.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionMessageRecord, Store } from '../store/types.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import type { Clock } from '../util/clock.ts';
import { shownInChat } from './heartbeat-transcript.ts';
import { chatMessageOf, sessionRow } from './session-rows.ts';

/** Subscriptions per connection; closed connections are dropped on the next publish. */
interface Subscriber {
  list: boolean;
  keys: Set<string>;
}

export interface SessionFeedOptions {
  bus: EventBus;
  store: Store;
  clock: Clock;
  log: Logger;
  activeRunId: (key: string) => string | undefined;
  /** The agent answering a session now (rows say it beside the one the key names). */
  agentOf: (key: string) => string;
  /** The sessions' token figures, so a changed row carries them as listed rows do. */
  usage?: Pick<UsageLedger, 'sessionFigures'> | undefined;
  /** The sessions' thinking fields, likewise. */
  thinking?: { rows(keys: readonly string[]): Promise<Map<string, ThinkingRow>> } | undefined;
}

/** Most sessions one connection may follow with sessions.messages.subscribe. */
const MAX_KEYS_PER_CONNECTION = 256;

/**
 * Who follows what: `sessions.subscribe` (the session list: `sessions.changed`) and
 * `sessions.messages.subscribe` (one session's transcript: `session.message`). Events go only to
 * the connections that asked, on this gateway; nothing is built when nobody listens.
 */
export class SessionFeed {
  readonly #subs = new Map<Connection, Subscriber>();
  readonly #o: SessionFeedOptions;

  constructor(options: SessionFeedOptions) {
    this.#o = options;
  }

  subscribeList(conn: Connection, on: boolean): void {
    this.#sub(conn).list = on;
    this.#drop(conn);
  }

  subscribeMessages(conn: Connection, key: string, on: boolean): void {
    const s = this.#sub(conn);
    if (on && !s.keys.has(key) && s.keys.size >= MAX_KEYS_PER_CONNECTION) {
      // Forget the oldest followed session: a client cannot grow this without bound.
      const oldest = s.keys.values().next().value;
      if (oldest !== undefined) s.keys.delete(oldest);
    }
    if (on) s.keys.add(key);
    else s.keys.delete(key);
    this.#drop(conn);
  }

  /** A message was stored: its followers get it, list subscribers get the changed row. */
  messageStored(m: SessionMessageRecord): void {
    this.#prune();
    const followers = [...this.#subs].filter(([, s]) => s.keys.has(m.sessionKey)).map(([c]) => c);
    const shown = shownInChat(m);
    if (followers.length && shown) {
      const set = new Set(followers);
      this.#o.bus.publish(
        'session.message',
        { sessionKey: m.sessionKey, message: chatMessageOf(m), messageSeq: m.seq },
        { filter: (c) => set.has(c) },
      );
    }
    // A quiet heartbeat turn still changes the row (its time, its count), not its last message.
    void this.#changed(m.sessionKey, 'message', shown ? m.text : undefined);
  }

  /**
   * A stored message changed (edited, deleted or reacted to on its platform): its followers get it
   * again, with the same id and seq, so a client replaces the one it has. The session row is unchanged.
   */
  messageUpdated(m: SessionMessageRecord): void {
    this.#prune();
    const followers = new Set([...this.#subs].filter(([, s]) => s.keys.has(m.sessionKey)).map(([c]) => c));
    if (!followers.size) return;
    this.#o.bus.publish(
      'session.message',
      { sessionKey: m.sessionKey, message: chatMessageOf(m), messageSeq: m.seq },
      { filter: (c) => followers.has(c) },
    );
  }

  runChanged(sessionKey: string): void {
    this.#prune();
    void this.#changed(sessionKey, 'run');
  }

  /** A session was patched, reset, compacted or deleted. */
  sessionChanged(sessionKey: string, reason: SessionsChangedEvent['reason']): void {
    this.#prune();
    void this.#changed(sessionKey, reason);
  }

  async #changed(key: string, reason: SessionsChangedEvent['reason'], lastMessage?: string): Promise<void> {
    const listeners = new Set([...this.#subs].filter(([, s]) => s.list).map(([c]) => c));
    if (!listeners.size) return;
    try {
      const rec = reason === 'delete' ? undefined : await this.#o.store.sessions.get(key);
      const payload: SessionsChangedEvent = { sessionKey: key, reason, ts: this.#o.clock.now() };
      if (rec)
        payload.session = sessionRow(rec, {
          answeredBy: this.#o.agentOf(key),
          activeRunId: this.#o.activeRunId(key),
          lastMessage,
          usage: (await this.#o.usage?.sessionFigures([key]))?.get(key),
          thinking: (await this.#o.thinking?.rows([key]))?.get(key),
        });
      this.#o.bus.publish('sessions.changed', payload, { filter: (c) => listeners.has(c) });
    } catch (error) {
      this.#o.log.warn({ err: error, sessionKey: key }, 'sessions.changed not sent');
    }
  }

  #sub(conn: Connection): Subscriber {
    let s = this.#subs.get(conn);
    if (!s) {
      s = { list: false, keys: new Set() };
      this.#subs.set(conn, s);
    }
    return s;
  }

  #drop(conn: Connection): void {
    const s = this.#subs.get(conn);
    if (s && !s.list && s.keys.size === 0) this.#subs.delete(conn);
  }

  #prune(): void {
    for (const c of this.#subs.keys()) if (c.state === 'closed') this.#subs.delete(c);
  }
}
