import type { GatewayConfig } from '@openclaw/protocol';
import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import type { Store } from './types.ts';

/** Exec approvals stay readable this long after their decision (exec.approval.get, a resumed run). */
const KEEP_DECIDED_APPROVALS_MS = 86_400_000;

export interface SweeperOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  config: () => GatewayConfig;
  /** In-memory state that expires (retained streams): dropped first, whatever the store does. */
  expire: (now: number) => void;
  /** Services that expire their own stored records (pairing requests, channel state). */
  sweeps: (() => Promise<unknown>)[];
  intervalMs?: number;
}

/**
 * Once a minute, drop what has expired: idempotency records, sessions and runs past
 * `sessions.retentionDays`, exec approvals decided a day ago, and whatever each service expires itself. A failed sweep is logged
 * and tried again next time.
 */
export class Sweeper {
  readonly #o: SweeperOptions;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: SweeperOptions) {
    this.#o = options;
  }

  start(): void {
    this.#timer = setInterval(() => void this.sweep(), this.#o.intervalMs ?? 60_000);
    this.#timer.unref?.();
  }

  async sweep(): Promise<void> {
    const { store, clock, log, config } = this.#o;
    const now = clock.now();
    this.#o.expire(now);
    try {
      await store.idempotency.prune(now);
      for (const sweep of this.#o.sweeps) await sweep();
      const cfg = config();
      const keepMs = cfg.sessions.retentionDays * 86_400_000;
      await store.sessions.prune(now - keepMs, cfg.sessions.maxMessagesPerSession);
      await store.runs.prune(now - keepMs);
      await store.approvals.prune(now - KEEP_DECIDED_APPROVALS_MS);
    } catch (error) {
      log.warn({ err: error }, 'sweep failed');
    }
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
