/**
 * Keys seen in the last `ttlMs`, at most `max` of them. Pruned on write, so it needs no timer
 * (stop() must leave no handles behind). The core dedupes durably; this only stops Slack's
 * retries and the message/app_mention pair from reaching it twice.
 */
export class RecentKeys {
  readonly #seen = new Map<string, number>();
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #now: () => number;

  constructor(ttlMs: number, max: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs;
    this.#max = max;
    this.#now = now;
  }

  /** Records `key`; false when it was already there (a repeat). */
  add(key: string): boolean {
    const now = this.#now();
    // Insertion order is age order, so expired keys sit at the front.
    for (const [k, at] of this.#seen) {
      if (now - at < this.#ttlMs && this.#seen.size < this.#max) break;
      this.#seen.delete(k);
    }
    if (this.#seen.has(key)) return false;
    this.#seen.set(key, now);
    return true;
  }

  /** Forget `key` (its processing failed, so a retry must get through). */
  delete(key: string): void {
    this.#seen.delete(key);
  }

  get size(): number {
    return this.#seen.size;
  }
}
