import type { CacheStore } from '@whiskeysockets/baileys';

/**
 * Baileys' CacheStore without timers. Left to itself, every socket creates four node-cache
 * instances, each with a 10-minute interval that is never cleared; one socket per reconnect adds
 * up. Entries here expire lazily and the oldest go first past `max`.
 */
export class TtlCache implements CacheStore {
  readonly #ttlMs: number;
  readonly #max: number;
  readonly #map = new Map<string, { value: unknown; until: number }>();

  constructor(ttlMs: number, max = 1000) {
    this.#ttlMs = ttlMs;
    this.#max = max;
  }

  get<T>(key: string): T | undefined {
    const e = this.#map.get(key);
    if (!e) return undefined;
    if (e.until < Date.now()) {
      this.#map.delete(key);
      return undefined;
    }
    return e.value as T;
  }

  set<T>(key: string, value: T): void {
    this.#map.delete(key);
    this.#map.set(key, { value, until: Date.now() + this.#ttlMs });
    while (this.#map.size > this.#max) {
      const oldest = this.#map.keys().next().value;
      if (oldest === undefined) break;
      this.#map.delete(oldest);
    }
  }

  del(key: string): void {
    this.#map.delete(key);
  }

  flushAll(): void {
    this.#map.clear();
  }
}
