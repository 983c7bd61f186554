// "Everything committed so far is on disk": what a caller waits for before it tells a platform a
// message is safe, when the writes that hold it were committed without their own sync.
//
// In WAL mode one log holds every commit in order, and a durable commit syncs the whole log, so
// the next durable commit that writes carries every earlier deferred one to disk. A turn against a
// fast model makes one within milliseconds (its reply's outbox record), so the wait usually costs
// no sync of its own; when none comes within `delayMs` (a slow model), the barrier makes one.

export interface SyncBarrierOptions {
  /** Rows changed on the connection so far (SQLite's total_changes()). */
  changes(): number;
  /** Make a durable commit that writes (so the log is synced), synchronously. */
  force(): void;
  /** How long to wait for another durable commit before forcing one. */
  delayMs: number;
}

export class SyncBarrier {
  readonly #o: SyncBarrierOptions;
  #waiters: { resolve(): void; reject(error: unknown): void }[] = [];
  /** Rows changed when the waiters came or at the last deferred commit since. */
  #mark = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #immediate: ReturnType<typeof setImmediate> | undefined;

  constructor(options: SyncBarrierOptions) {
    this.#o = options;
  }

  /**
   * Resolves once every write committed before the call is on disk; rejects if a forced sync fails.
   * `soon`: make the sync on the next turn of the event loop unless a durable commit comes first,
   * rather than after the delay: for a writer that has just started work on its own deferred
   * write (an outbox send) and wants it on disk right after that work left, not before.
   */
  synced(options: { soon?: boolean } = {}): Promise<void> {
    if (this.#waiters.length === 0) {
      this.#mark = this.#o.changes();
      this.#timer = setTimeout(() => this.#force(), this.#o.delayMs);
      this.#timer.unref?.();
    }
    if (options.soon && !this.#immediate) this.#immediate = setImmediate(() => this.#force());
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /**
   * After a write path returned: `durable` when it committed with a sync. One that changed rows
   * since the mark synced the log, and everything in it; a deferred one moves the mark, so its
   * rows are not taken for a durable commit's.
   */
  committed(durable: boolean): void {
    if (this.#waiters.length === 0) return;
    const n = this.#o.changes();
    if (durable && n > this.#mark) {
      // Told after what the committing code does next in this turn of the event loop (the reply's
      // send, typically), not before it: a waiter's next step (a platform's next poll) can wait.
      const waiters = this.#take();
      setImmediate(() => {
        for (const w of waiters) w.resolve();
      });
    } else this.#mark = n;
  }

  /** Stop waiting (the store closes): a waiter is told its writes may not be on disk. */
  close(): void {
    this.#settle(new Error('the store closed before its writes were synced'));
  }

  #force(): void {
    if (this.#waiters.length === 0) return;
    try {
      this.#o.force();
      this.#settle();
    } catch (error) {
      this.#settle(error);
    }
  }

  /** The waiters so far, no longer waiting on this barrier's timer. */
  #take(): { resolve(): void; reject(error: unknown): void }[] {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    clearImmediate(this.#immediate);
    this.#immediate = undefined;
    const waiters = this.#waiters;
    this.#waiters = [];
    return waiters;
  }

  #settle(error?: unknown): void {
    for (const w of this.#take()) {
      if (error === undefined) w.resolve();
      else w.reject(error);
    }
  }
}
