import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { classifyStoreError, type StoreFailure } from './store-failure.ts';

export interface StoreHealthOptions {
  clock: Clock;
  log: Logger;
  /** Resolves when the store takes writes again; throws while it does not. */
  probe(failure: StoreFailure): Promise<void>;
  /** First probe after a failure; doubles up to `maxProbeMs` (a damaged file waits `damagedProbeMs`). */
  minProbeMs?: number;
  maxProbeMs?: number;
  damagedProbeMs?: number;
  onChange?(failing: boolean): void;
}

export interface StoreFailingState extends StoreFailure {
  sinceMs: number;
}

/**
 * Whether the store can be trusted with a write. Any store call that fails for a store reason
 * (damage, I/O error, full disk) marks it failing; from then on side-effecting requests are
 * refused up front, readiness says why, and a probe (a real write and read; after damage, a new
 * integrity check) runs with backoff until it succeeds, which clears the state.
 */
export class StoreHealth {
  readonly #o: StoreHealthOptions;
  #failing: StoreFailingState | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #delay = 0;
  #closed = false;

  constructor(options: StoreHealthOptions) {
    this.#o = options;
  }

  /** The current failure, or undefined while the store is sound. */
  get failing(): StoreFailingState | undefined {
    return this.#failing;
  }

  /** A store call failed for a store reason. */
  report(failure: StoreFailure): void {
    if (this.#closed) return;
    if (this.#failing) {
      // Damage outranks a passing I/O error: it will not clear by itself.
      if (failure.kind === 'corrupt' && this.#failing.kind !== 'corrupt') {
        this.#failing = { ...failure, sinceMs: this.#failing.sinceMs };
        this.#schedule(this.#o.damagedProbeMs ?? 60_000);
      }
      return;
    }
    this.#failing = { ...failure, sinceMs: this.#o.clock.now() };
    this.#o.log.error(
      { kind: failure.kind, reason: failure.reason },
      'store failing: side-effecting requests are refused until it takes writes again',
    );
    this.#o.onChange?.(true);
    this.#delay = this.#o.minProbeMs ?? 250;
    this.#schedule(failure.kind === 'corrupt' ? (this.#o.damagedProbeMs ?? 60_000) : this.#delay);
  }

  /** The readiness contribution: not ready while failing, with the reason and since when. */
  readiness(): { ready: boolean; reason?: string } {
    const f = this.#failing;
    if (!f) return { ready: true };
    return { ready: false, reason: `${f.kind}: ${f.reason} (since ${new Date(f.sinceMs).toISOString()})` };
  }

  close(): void {
    this.#closed = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(ms: number): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#probe(), ms);
    this.#timer.unref?.();
  }

  async #probe(): Promise<void> {
    this.#timer = undefined;
    const f = this.#failing;
    if (!f || this.#closed) return;
    try {
      await this.#o.probe(f);
    } catch (error) {
      if (this.#closed || this.#failing !== f) return;
      const now = classifyStoreError(error);
      if (now && now.reason !== f.reason) this.#failing = { ...now, sinceMs: f.sinceMs };
      this.#delay = Math.min(this.#delay * 2, this.#o.maxProbeMs ?? 5000);
      this.#schedule(this.#failing?.kind === 'corrupt' ? (this.#o.damagedProbeMs ?? 60_000) : this.#delay);
      return;
    }
    if (this.#closed || this.#failing !== f) return;
    this.#failing = undefined;
    this.#o.log.info(
      { kind: f.kind, failingForMs: this.#o.clock.now() - f.sinceMs },
      'store takes writes again',
    );
    this.#o.onChange?.(false);
  }
}
