/**
 * Message id → author, for the most recent messages. Signal addresses a message by (author,
 * timestamp), but the core only hands us (chat, message id); in a group the author is not the chat,
 * so reactions and quotes look it up here.
 */
export class AuthorCache {
  readonly #max: number;
  readonly #map = new Map<string, string>();

  constructor(max = 1000) {
    this.#max = max;
  }

  set(chatId: string, messageId: string, author: string): void {
    const k = `${chatId}\n${messageId}`;
    // Re-insert so the entry counts as the newest (a Map iterates in insertion order).
    this.#map.delete(k);
    this.#map.set(k, author);
    if (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value!);
  }

  get(chatId: string, messageId: string): string | undefined {
    return this.#map.get(`${chatId}\n${messageId}`);
  }

  get size(): number {
    return this.#map.size;
  }
}
