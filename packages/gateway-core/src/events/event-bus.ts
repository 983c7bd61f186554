import {
  type EventAudience,
  type EventName,
  type EventPayload,
  events as eventTable,
  type StateVersion,
  scopeSatisfies,
} from '@openclaw/protocol';
import type { Connection } from '../connection/connection.ts';

export interface PublishOptions {
  /** Overrides the event's declared audience. */
  audience?: EventAudience;
  stateVersion?: StateVersion;
  /** Extra filter on top of the audience. */
  filter?: (conn: Connection) => boolean;
  /** Kept for resume (default true; ticks are not). */
  replayable?: boolean;
}

/** Frame text up to the seq, shared by every recipient of one event. */
export function eventHead(event: string, payload: unknown, stateVersion?: StateVersion): string {
  return `{"type":"event","event":${JSON.stringify(event)},"payload":${JSON.stringify(payload)}${
    stateVersion ? `,"stateVersion":${JSON.stringify(stateVersion)}` : ''
  }`;
}

export function canReceive(conn: Connection, audience: EventAudience): boolean {
  const s = conn.session;
  if (!s) return false;
  switch (audience) {
    case 'all':
      return true;
    case 'direct':
      return false;
    default:
      return s.role === 'operator' && scopeSatisfies(s.scopes, audience);
  }
}

/** A listener for events leaving this gateway (the cluster bridge and tests use it). */
export type EventTap = (event: string, payload: unknown, options: PublishOptions) => void;

/**
 * Fans events out to ready connections: each event is serialised once, then each recipient
 * gets its own seq appended. Who may receive what follows the event table's audience.
 */
export class EventBus {
  readonly #connections = new Set<Connection>();
  readonly #taps = new Set<EventTap>();

  add(conn: Connection): void {
    this.#connections.add(conn);
  }

  delete(conn: Connection): void {
    this.#connections.delete(conn);
  }

  get size(): number {
    return this.#connections.size;
  }

  connections(): IterableIterator<Connection> {
    return this.#connections.values();
  }

  tap(listener: EventTap): () => void {
    this.#taps.add(listener);
    return () => this.#taps.delete(listener);
  }

  /** Publish to every connection the audience allows. Returns how many received it. */
  publish<E extends EventName>(event: E, payload: EventPayload<E>, options: PublishOptions = {}): number {
    for (const t of this.#taps) t(event, payload, options);
    return this.deliverLocal(event, payload, options);
  }

  /** Deliver to local connections only (used for events that arrived from other gateways). */
  deliverLocal(event: string, payload: unknown, options: PublishOptions = {}): number {
    const audience = options.audience ?? eventTable[event as EventName]?.audience ?? 'operator.admin';
    if (audience === 'direct') return 0;
    const head = eventHead(event, payload, options.stateVersion);
    const replayable = options.replayable ?? true;
    let n = 0;
    for (const conn of this.#connections) {
      if (!canReceive(conn, audience)) continue;
      if (options.filter && !options.filter(conn)) continue;
      conn.sendEvent(head, replayable);
      n++;
    }
    return n;
  }

  /** Send an event to one connection (challenge, node invoke requests). */
  sendTo<E extends EventName>(conn: Connection, event: E, payload: EventPayload<E>, replayable = true): void {
    conn.sendEvent(eventHead(event, payload), replayable);
  }
}
