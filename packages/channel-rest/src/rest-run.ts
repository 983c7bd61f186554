import { settleWithin } from '@openclaw/gateway-core/channel';

/** A running receive loop (a socket, a poll). close() resolves when it is gone. */
export interface Receiver {
  close(): Promise<void>;
}

/** What a run holds that must be let go of: a REST client's pooled sockets. */
export interface Closable {
  close(): void;
}

/**
 * One start() of an adapter over a REST platform: its client, the signal that stops its loops
 * (aborted too when the core aborts the account's), its receiver and its webhook route. stop()
 * undoes all of it and waits for the receiver at most a bound, so a platform that never answers
 * cannot hold the gateway's shutdown hostage.
 */
export class RestRun<Api extends Closable> {
  readonly api: Api;
  receiver: Receiver | undefined;
  /** Unmounts the run's webhook route. */
  unmount: (() => void) | undefined;
  readonly #abort = new AbortController();

  constructor(api: Api, outer: AbortSignal) {
    this.api = api;
    outer.addEventListener('abort', () => this.#abort.abort(), { once: true });
  }

  /** Aborted once the run stops (or the core stops the account). */
  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  /** Abort the loops, unmount the route, wait for the receiver (at most `waitMs`), close the client. */
  async stop(waitMs: number): Promise<void> {
    this.#abort.abort();
    this.unmount?.();
    this.unmount = undefined;
    const receiver = this.receiver;
    this.receiver = undefined;
    if (receiver) await settleWithin(receiver.close(), waitMs);
    this.api.close();
  }
}

/**
 * A probe with a client of its own (the account may not be running), answered within
 * `timeoutMs`; the client is closed either way. `describe` turns a failure into the probe's error
 * text; running out of time reads "probe timed out after … ms".
 */
export async function probeWith<Api extends Closable, R extends { ok: boolean }>(
  api: Api,
  timeoutMs: number,
  call: (api: Api, signal: AbortSignal) => Promise<R>,
  describe: (error: unknown) => string,
): Promise<R | { ok: false; error: string }> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    return await call(api, abort.signal);
  } catch (error) {
    return {
      ok: false,
      error: abort.signal.aborted ? `probe timed out after ${timeoutMs} ms` : describe(error),
    };
  } finally {
    clearTimeout(timer);
    api.close();
  }
}
