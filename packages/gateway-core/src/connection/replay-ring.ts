/**
 * The last N replayable events of one connection, kept so a client that reconnects with its
 * last seen seq can be sent what it missed. It stores the shared frame head (one string per
 * event, shared by every recipient) and the seq, never a per-connection copy of the frame, and
 * grows only as events arrive, so idle connections cost next to nothing.
 */
export class ReplayRing {
  readonly #capacity: number;
  #heads: string[] = [];
  #seqs: number[] = [];
  #next = 0;
  /** Highest seq of a replayable event that has been evicted. */
  #evictedUpTo = 0;

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  push(seq: number, head: string): void {
    if (this.#heads.length < this.#capacity) {
      this.#heads.push(head);
      this.#seqs.push(seq);
      return;
    }
    this.#evictedUpTo = this.#seqs[this.#next]!;
    this.#heads[this.#next] = head;
    this.#seqs[this.#next] = seq;
    this.#next = (this.#next + 1) % this.#capacity;
  }

  /**
   * Every frame with seq in (afterSeq, currentSeq], oldest first, or undefined when a
   * replayable one was already evicted. Seq numbers the ring does not hold belonged to
   * non-replayable events (ticks); they are filled with `fillerHead` so the client sees no gap.
   */
  after(afterSeq: number, currentSeq: number, fillerHead: string): string[] | undefined {
    if (afterSeq < this.#evictedUpTo) return undefined;
    const held = new Map<number, string>();
    const n = this.#heads.length;
    for (let i = 0; i < n; i++) {
      const seq = this.#seqs[i]!;
      if (seq > afterSeq) held.set(seq, this.#heads[i]!);
    }
    const out: string[] = [];
    for (let seq = afterSeq + 1; seq <= currentSeq; seq++) {
      out.push(`${held.get(seq) ?? fillerHead},"seq":${seq}}`);
    }
    return out;
  }
}
