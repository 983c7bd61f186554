import { SocketModeClient } from '@slack/socket-mode';

/** What @slack/socket-mode emits as `slack_event` for every envelope. */
export interface SlackEnvelope {
  ack(response?: Record<string, unknown>): Promise<void>;
  envelope_id?: string;
  type: string;
  body?: unknown;
  retry_num?: number;
  retry_reason?: string;
}

/**
 * SocketModeClient with its automatic reconnects made observable and stoppable.
 *
 * The library reconnects by calling `this.start()` from a timer and drops the promise: a failure
 * there (revoked app token, network down at `apps.connections.open`) becomes an unhandled
 * rejection and the client silently stays offline. Overriding start() catches it and hands it
 * to `onReconnectFailed`, so the adapter can report it through ctx.fail(). Our own first connect
 * goes through connect(), which lets failures reach the caller.
 */
export class SupervisedSocketModeClient extends SocketModeClient {
  /** A library-driven reconnect failed; the client will not try again by itself. */
  onReconnectFailed: (error: unknown) => void = () => {};
  /** Set by stop(): a reconnect that completes afterwards closes itself instead of lingering. */
  closing = false;

  /** The first connection; resolves on Slack's `hello`. */
  connect(): ReturnType<SocketModeClient['start']> {
    return this.#open();
  }

  override async start(): ReturnType<SocketModeClient['start']> {
    try {
      return await this.#open();
    } catch (error) {
      if (!this.closing) this.onReconnectFailed(error);
      return { ok: false };
    }
  }

  async #open(): ReturnType<SocketModeClient['start']> {
    const opened = await super.start();
    // start() clears the library's shutdown flag before it awaits apps.connections.open, so a
    // disconnect() during that await does not stop the socket it opens afterwards.
    if (this.closing) await this.disconnect();
    return opened;
  }
}
