import type { ChatEvent, ChatMessage } from '@openclaw/protocol';
import type { InboundEnvelope } from '../channel/types.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionMessageRecord, SessionRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import type { Responder } from './responder.ts';
import { channelSessionKey, parseChannelSessionKey } from './session-keys.ts';

export interface ReplyTarget {
  channel: string;
  accountId: string;
  chatId: string;
  threadId?: string | undefined;
  replyToId?: string | undefined;
}

export interface SessionRouterOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  responder: () => Responder;
  /** Send a reply to a channel chat (through the outbox). */
  deliver(target: ReplyTarget, text: string, sessionKey: string): Promise<void>;
}

interface Run {
  runId: string;
  sessionKey: string;
  text: string;
  controller: AbortController;
  deliverTo?: ReplyTarget | undefined;
}

/**
 * Conversations: stores every message of a session, runs the responder one run at a time per
 * session (later messages queue), streams each run as `chat` events, and sends replies to
 * channel sessions back through the outbox.
 */
export class SessionRouter {
  readonly #o: SessionRouterOptions;
  readonly #active = new Map<string, Run>();
  readonly #queued = new Map<string, Run[]>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: SessionRouterOptions) {
    this.#o = options;
  }

  /** An inbound channel message that passed access control. */
  async inbound(env: InboundEnvelope): Promise<{ sessionKey: string; runId: string }> {
    const key = channelSessionKey(env.channel, env.accountId, env.chat.id, env.chat.threadId);
    await this.#o.store.sessions.ensure({
      key,
      kind: 'channel',
      channel: env.channel,
      accountId: env.accountId,
      chatId: env.chat.id,
      threadId: env.chat.threadId,
      title: env.chat.title ?? env.sender.name ?? env.sender.username,
      createdAtMs: this.#o.clock.now(),
    });
    await this.#o.store.sessions.append({
      sessionKey: key,
      id: `${env.channel}:${env.id}`,
      role: 'user',
      text: env.text,
      ts: env.at,
      channel: env.channel,
      senderId: env.sender.id,
      senderName: env.sender.name ?? env.sender.username,
    });
    const runId = this.#enqueue({
      runId: newId('run'),
      sessionKey: key,
      text: env.text,
      controller: new AbortController(),
      deliverTo: {
        channel: env.channel,
        accountId: env.accountId,
        chatId: env.chat.id,
        threadId: env.chat.threadId,
        replyToId: env.chat.kind === 'direct' ? undefined : env.id,
      },
    });
    return { sessionKey: key, runId };
  }

  /** WebChat (or an operator writing into any session). */
  async send(params: {
    sessionKey: string;
    message: string;
    deliver?: boolean | undefined;
  }): Promise<{ runId: string; sessionKey: string; messageId: string; status: 'started' | 'queued' }> {
    const now = this.#o.clock.now();
    const channel = parseChannelSessionKey(params.sessionKey);
    const existing = await this.#o.store.sessions.get(params.sessionKey);
    const isChannel = existing ? existing.kind === 'channel' : false;
    if (!existing) {
      await this.#o.store.sessions.ensure({ key: params.sessionKey, kind: 'webchat', createdAtMs: now });
    }
    const messageId = newId('msg');
    await this.#o.store.sessions.append({
      sessionKey: params.sessionKey,
      id: messageId,
      role: 'user',
      text: params.message,
      ts: now,
    });
    const queuedBefore = this.#active.has(params.sessionKey);
    const run: Run = {
      runId: newId('run'),
      sessionKey: params.sessionKey,
      text: params.message,
      controller: new AbortController(),
    };
    if (params.deliver && isChannel && channel && existing) {
      run.deliverTo = {
        channel: existing.channel ?? channel.channel,
        accountId: existing.accountId ?? channel.accountId,
        chatId: existing.chatId ?? channel.chatId,
        threadId: existing.threadId,
      };
    }
    this.#enqueue(run);
    return {
      runId: run.runId,
      sessionKey: params.sessionKey,
      messageId,
      status: queuedBefore ? 'queued' : 'started',
    };
  }

  async history(
    sessionKey: string,
    limit: number,
    cursor?: string,
  ): Promise<{ sessionKey: string; messages: ChatMessage[]; nextCursor?: string }> {
    const beforeSeq = cursor ? Number.parseInt(cursor, 10) : undefined;
    const page = await this.#o.store.sessions.history(sessionKey, {
      limit,
      beforeSeq: Number.isFinite(beforeSeq) ? beforeSeq : undefined,
    });
    const out: { sessionKey: string; messages: ChatMessage[]; nextCursor?: string } = {
      sessionKey,
      messages: page.map(toChatMessage),
    };
    const first = page[0];
    if (first && first.seq > 1 && page.length === limit) out.nextCursor = String(first.seq);
    return out;
  }

  abort(sessionKey: string, runId?: string): string[] {
    const aborted: string[] = [];
    const active = this.#active.get(sessionKey);
    if (active && (!runId || active.runId === runId)) {
      active.controller.abort(new Error('aborted by operator'));
      aborted.push(active.runId);
    }
    const queue = this.#queued.get(sessionKey) ?? [];
    for (const r of [...queue]) {
      if (runId && r.runId !== runId) continue;
      queue.splice(queue.indexOf(r), 1);
      aborted.push(r.runId);
      this.#publish({
        runId: r.runId,
        sessionKey,
        seq: 0,
        state: 'aborted',
        stopReason: 'aborted before it started',
      });
    }
    return aborted;
  }

  activeRunId(sessionKey: string): string | undefined {
    return this.#active.get(sessionKey)?.runId;
  }

  async list(query: { limit: number; offset: number; search?: string | undefined }): Promise<{
    sessions: SessionRecord[];
    total: number;
  }> {
    return this.#o.store.sessions.list(query);
  }

  /** Abort runs and wait for them to settle. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const r of this.#active.values()) r.controller.abort(new Error('gateway shutting down'));
    this.#queued.clear();
    await Promise.allSettled([...this.#running]);
  }

  #enqueue(run: Run): string {
    if (this.#active.has(run.sessionKey)) {
      let q = this.#queued.get(run.sessionKey);
      if (!q) {
        q = [];
        this.#queued.set(run.sessionKey, q);
      }
      q.push(run);
    } else {
      this.#startRun(run);
    }
    return run.runId;
  }

  #startRun(run: Run): void {
    if (this.#closed) return;
    this.#active.set(run.sessionKey, run);
    const p = this.#execute(run).finally(() => {
      this.#running.delete(p);
      this.#active.delete(run.sessionKey);
      const next = this.#queued.get(run.sessionKey)?.shift();
      if (next) this.#startRun(next);
      else this.#queued.delete(run.sessionKey);
    });
    this.#running.add(p);
  }

  async #execute(run: Run): Promise<void> {
    const { runId, sessionKey } = run;
    let seq = 0;
    let text = '';
    try {
      const reply = await this.#o
        .responder()
        .respond({ sessionKey, runId, text: run.text, signal: run.controller.signal }, (delta) => {
          text += delta;
          this.#publish({ runId, sessionKey, seq: seq++, state: 'delta', deltaText: delta });
        });
      if (run.controller.signal.aborted) throw run.controller.signal.reason;
      const stored = await this.#o.store.sessions.append({
        sessionKey,
        id: newId('msg'),
        role: 'assistant',
        text: reply,
        ts: this.#o.clock.now(),
        runId,
        status: 'complete',
      });
      this.#publish({ runId, sessionKey, seq: seq++, state: 'final', message: toChatMessage(stored) });
      if (run.deliverTo && reply.trim()) await this.#o.deliver(run.deliverTo, reply, sessionKey);
    } catch (error) {
      const aborted = run.controller.signal.aborted;
      const message = error instanceof Error ? error.message : String(error);
      await this.#o.store.sessions
        .append({
          sessionKey,
          id: newId('msg'),
          role: 'assistant',
          text,
          ts: this.#o.clock.now(),
          runId,
          status: aborted ? 'aborted' : 'error',
        })
        .catch(() => {});
      if (aborted) this.#publish({ runId, sessionKey, seq: seq++, state: 'aborted', errorMessage: message });
      else {
        this.#o.log.warn({ runId, sessionKey, err: message }, 'run failed');
        this.#publish({ runId, sessionKey, seq: seq++, state: 'error', errorMessage: message });
      }
    }
  }

  #publish(event: ChatEvent): void {
    this.#o.bus.publish('chat', event);
  }
}

function toChatMessage(m: SessionMessageRecord): ChatMessage {
  const out: ChatMessage = { id: m.id, role: m.role, text: m.text, ts: m.ts };
  if (m.runId) out.runId = m.runId;
  if (m.channel) out.channel = m.channel;
  if (m.senderId) out.senderId = m.senderId;
  if (m.senderName) out.senderName = m.senderName;
  if (m.status) out.status = m.status;
  return out;
}
