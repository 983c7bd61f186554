import { readFile } from 'node:fs/promises';

/** How long a read copy answers before the file is read again. */
export const RECENT_FILE_MAX_AGE_MS = 1000;

/**
 * Small text files read on an agent turn's path (a provider's key file, the agent's SYSTEM.md),
 * each read at most once per `maxAgeMs`: an edit applies to every turn that starts that long
 * after it, and a busy gateway does not wait on the thread pool for them on each turn (those
 * reads took 0.5–15 ms each under load, one in three of the slow turns; docs/PERFORMANCE.md).
 * Concurrent reads of one file share one. A missing or unreadable file reads as undefined.
 */
export class RecentFiles {
  readonly #maxAgeMs: number;
  readonly #now: () => number;
  readonly #copies = new Map<string, { at: number; text: Promise<string | undefined> }>();

  constructor(options: { maxAgeMs?: number; now?: () => number } = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? RECENT_FILE_MAX_AGE_MS;
    this.#now = options.now ?? (() => performance.now());
  }

  read(path: string): Promise<string | undefined> {
    const now = this.#now();
    const copy = this.#copies.get(path);
    if (copy && now - copy.at < this.#maxAgeMs) return copy.text;
    // A handful of paths in practice; the bound only guards against configs that keep changing them.
    if (this.#copies.size >= 64) this.#copies.clear();
    const text = readFile(path, 'utf8').then(
      (t) => t,
      () => undefined,
    );
    this.#copies.set(path, { at: now, text });
    return text;
  }
}
