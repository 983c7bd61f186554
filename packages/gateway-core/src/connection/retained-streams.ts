import type { EventBus } from '../events/event-bus.ts';
import type { Connection, RetainedStream } from './connection.ts';
import type { Session } from './transport.ts';

/** Cap on retained streams, so clients that reconnect all day cannot make every publish walk thousands of ghosts. */
export const MAX_RETAINED_STREAMS = 5000;

interface Retained {
  conn: Connection;
  deviceId: string;
  key: string;
  expiresAt: number;
}

/**
 * Closed connections still on the bus for the replay window, recording what their client misses,
 * so a client that comes back in time resumes its stream. One stream per client instance: a newer
 * drop supersedes an older one.
 */
export class RetainedStreams {
  readonly #bus: EventBus;
  readonly #byConn = new Map<string, Retained>();
  /** The one retained stream per client instance (a reconnecting client resumes its latest). */
  readonly #byClient = new Map<string, string>();

  constructor(bus: EventBus) {
    this.#bus = bus;
  }

  /** Keep a closed connection's stream until `expiresAt` (it stays on the bus, detached). */
  retain(conn: Connection, session: Session & { deviceId: string }, expiresAt: number): void {
    const key = `${session.deviceId}|${session.role}|${session.clientId}|${session.instanceId ?? ''}`;
    const previous = this.#byClient.get(key);
    if (previous) this.release(previous);
    while (this.#byConn.size >= MAX_RETAINED_STREAMS) {
      const oldest = this.#byConn.keys().next().value;
      if (oldest === undefined) break;
      this.release(oldest);
    }
    this.#byConn.set(conn.connId, { conn, deviceId: session.deviceId, key, expiresAt });
    this.#byClient.set(key, conn.connId);
  }

  /**
   * The stream of `connId` for its own device, with the frames after `lastSeq`, released from
   * retention; undefined when there is none or frames were lost.
   */
  take(
    connId: string,
    deviceId: string,
    lastSeq: number,
    now: number,
    fillerHead: string,
  ): (RetainedStream & { frames: readonly string[] }) | undefined {
    const r = this.#byConn.get(connId);
    if (!r || r.deviceId !== deviceId || r.expiresAt <= now) return undefined;
    const frames = r.conn.replayAfter(lastSeq, fillerHead);
    const stream = r.conn.retainedStream();
    this.release(connId);
    return frames && stream ? { ...stream, frames } : undefined;
  }

  /** Drop every stream of a device (its credentials changed). */
  releaseDevice(deviceId: string): void {
    for (const [id, r] of this.#byConn) if (r.deviceId === deviceId) this.release(id);
  }

  /** Drop streams whose window has passed. */
  sweep(now: number): void {
    for (const [id, r] of this.#byConn) if (r.expiresAt <= now) this.release(id);
  }

  release(connId: string): void {
    const r = this.#byConn.get(connId);
    if (!r) return;
    this.#byConn.delete(connId);
    if (this.#byClient.get(r.key) === connId) this.#byClient.delete(r.key);
    this.#bus.delete(r.conn);
  }
}
