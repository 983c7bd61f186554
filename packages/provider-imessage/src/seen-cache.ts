/**
 * The most recent message guids this adapter has handled. BlueBubbles may post the same message
 * twice (a retried webhook, a re-sent event after a server restart) and polling with an inclusive
 * `after` sees the newest message again; the core dedupes too, but answering from here keeps a
 * duplicate from reaching it at all.
 */
export class SeenCache {
  readonly #max: number;
  readonly #set = new Set<string>();

  constructor(max = 2000) {
    this.#max = max;
  }

  /** Records `guid`; false when it was already there. */
  add(guid: string): boolean {
    if (this.#set.has(guid)) return false;
    this.#set.add(guid);
    // A Set iterates in insertion order: the first entry is the oldest.
    if (this.#set.size > this.#max) this.#set.delete(this.#set.values().next().value!);
    return true;
  }

  /** Forget `guid` (its delivery failed, so a retry must get through). */
  delete(guid: string): void {
    this.#set.delete(guid);
  }

  has(guid: string): boolean {
    return this.#set.has(guid);
  }
}
