/** A fixed-size ring of log lines with a monotonically increasing cursor (for logs.tail). */
export class LogRing {
  readonly capacity: number;
  #lines: string[];
  /** Cursor of the next line to be written; the line at cursor c is stored at c % capacity. */
  #next = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.#lines = new Array<string>(this.capacity);
  }

  push(line: string): void {
    this.#lines[this.#next % this.capacity] = line.endsWith('\n') ? line.slice(0, -1) : line;
    this.#next++;
  }

  get size(): number {
    return Math.min(this.#next, this.capacity);
  }

  /** The cursor after the newest line. */
  get cursor(): number {
    return this.#next;
  }

  /**
   * Lines after `cursor` (exclusive of lines before it), at most `limit` lines and `maxBytes` bytes.
   * Without a cursor: the newest `limit` lines. `reset` is true when lines between the cursor
   * and the oldest held line were already overwritten.
   */
  read(options: { cursor?: number | undefined; limit: number; maxBytes: number }): {
    lines: string[];
    cursor: number;
    truncated: boolean;
    reset: boolean;
  } {
    const oldest = this.#next - this.size;
    let from: number;
    let reset = false;
    if (options.cursor === undefined || options.cursor === 0) {
      from = Math.max(oldest, this.#next - options.limit);
    } else if (options.cursor < oldest) {
      from = oldest;
      reset = true;
    } else {
      from = Math.min(options.cursor, this.#next);
    }
    const lines: string[] = [];
    let bytes = 0;
    let c = from;
    for (; c < this.#next && lines.length < options.limit; c++) {
      const line = this.#lines[c % this.capacity]!;
      if (bytes + line.length > options.maxBytes && lines.length > 0) break;
      bytes += line.length;
      lines.push(line);
    }
    return { lines, cursor: c, truncated: c < this.#next, reset };
  }
}
