import type { ErrorShapeLike } from '@openclaw/protocol';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

/** What a request came to: the result as JSON text, or the error it answered with. */
export type Outcome = { ok: true; payloadJson: string } | { ok: false; error: ErrorShapeLike };

/**
 * First-outcome-wins for side-effecting requests, keyed by (caller, method, idempotencyKey).
 * A concurrent duplicate waits for the first; a later retry gets the stored outcome without
 * running the handler. Outcomes are written to the store before the caller is answered, so a
 * retry after a gateway restart is still answered from the record. Retryable failures are not
 * stored: retrying them is the point.
 */
export class Idempotency {
  readonly #inflight = new Map<string, Promise<Outcome>>();
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ttl: () => number;

  constructor(store: Store, clock: Clock, ttlMs: () => number) {
    this.#store = store;
    this.#clock = clock;
    this.#ttl = ttlMs;
  }

  run(key: string, method: string, fn: () => Promise<Outcome>): Promise<Outcome> {
    const running = this.#inflight.get(key);
    if (running) return running;
    const p = this.#run(key, method, fn).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, p);
    return p;
  }

  async #run(key: string, method: string, fn: () => Promise<Outcome>): Promise<Outcome> {
    const now = this.#clock.now();
    const prior = await this.#store.idempotency.get(key, now);
    if (prior) {
      return prior.ok
        ? { ok: true, payloadJson: prior.response }
        : { ok: false, error: JSON.parse(prior.response) as Extract<Outcome, { ok: false }>['error'] };
    }
    const outcome = await fn();
    if (outcome.ok || !outcome.error.retryable) {
      await this.#store.idempotency.putIfAbsent({
        key,
        method,
        ok: outcome.ok,
        response: outcome.ok ? outcome.payloadJson : JSON.stringify(outcome.error),
        createdAtMs: now,
        expiresAtMs: now + this.#ttl(),
      });
    }
    return outcome;
  }
}
