import { stat } from 'node:fs/promises';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** SQLite's own threshold (pages in the WAL before the committing connection checkpoints). */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/**
 * The backstop while checkpoints run in the background: if the worker falls far behind, the
 * committing connection still checkpoints, as SQLite does by default (past twice the busy limit,
 * 128 MiB of 4 KiB pages).
 */
export const BACKSTOP_AUTOCHECKPOINT_PAGES = 32_768;

export interface WalCheckpointerOptions {
  /** The store's own connection: its row changes are what ask for a checkpoint. */
  db: DatabaseSync;
  path: string;
  /** How often the store's connection is asked how many rows it changed (ms). */
  pollMs?: number;
  /** Rows changed since the last checkpoint before the worker is asked for the next, in a lull. */
  changesPerCheckpoint?: number;
  /**
   * A WAL file larger than this asks for a checkpoint too, in a lull, however few rows changed (a
   * few big rows fill it as fast as many small ones); SQLite also truncates the WAL back to it when
   * it rewinds. Default: SQLite's own threshold, 1,000 pages.
   */
  walLimitBytes?: number;
  /** Without a lull: rows changed before a checkpoint is asked for anyway (default 40× the above). */
  busyChangesPerCheckpoint?: number;
  /** Without a lull: the WAL file size that asks for a checkpoint anyway (default 64 MiB). */
  busyWalLimitBytes?: number;
  /** The worker stops after this long without a checkpoint to run (ms); it starts again when needed. */
  idleStopMs?: number;
}

export interface WalCheckpointStats {
  mode: 'inline' | 'background';
  /** Checkpoints the worker ran. */
  completed: number;
  /** How many times the store's row changes were looked at (the poll). */
  polls: number;
  /** Whether the worker thread is running now. */
  running: boolean;
  /** Set once the worker failed: the store's connection checkpoints inline again, as SQLite does. */
  failed?: string | undefined;
}

type Answer = { ok: true; log: number; checkpointed: number } | { ok: false; error: string };

/**
 * Runs in the worker from its source text (`eval`; CommonJS or ESM as the process's flags say, so
 * only `process.getBuiltinModule`): a second connection to the same file
 * that checkpoints when asked. PASSIVE never waits for a lock and never blocks the store's own
 * connection, which keeps appending to the WAL meanwhile.
 */
const WORKER = `
const { parentPort, workerData } = process.getBuiltinModule('node:worker_threads');
const { DatabaseSync } = process.getBuiltinModule('node:sqlite');
const db = new DatabaseSync(workerData.path);
db.exec('PRAGMA synchronous = FULL');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
parentPort.on('message', (m) => {
  if (m === 'close') {
    db.close();
    parentPort.close();
    return;
  }
  try {
    const r = checkpoint.get();
    parentPort.postMessage({ ok: true, log: Number(r.log), checkpointed: Number(r.checkpointed) });
  } catch (e) {
    parentPort.postMessage({ ok: false, error: String(e && e.message ? e.message : e) });
  }
});
`;

/**
 * Checkpoints a WAL database on a worker thread instead of in the committing connection.
 *
 * SQLite's automatic checkpoint runs inside a COMMIT once the WAL holds 1,000 pages: it copies
 * them into the database file and syncs it, synchronously, on the event loop — a few ms that land
 * on whichever request committed. Here the store's connection only checkpoints as a backstop
 * (`BACKSTOP_AUTOCHECKPOINT_PAGES`); a worker with its own connection does it once enough rows
 * changed, or the WAL file outgrew SQLite's own threshold, in the next lull (a poll that finds
 * nothing written since the last): its copying and its sync of the database file then compete
 * with no request for the cores and the disk. While writes never pause it waits up to a larger
 * limit (`busyChangesPerCheckpoint`, `busyWalLimitBytes`). Durability is SQLite's either way:
 * every commit is in the synced WAL before it returns, and a checkpoint cut short by a crash is
 * redone from the WAL on the next open.
 *
 * The worker starts only when there is work (an idle gateway never pays for a thread) and stops
 * after `idleStopMs` without any. If it fails, the connection goes back to SQLite's default.
 */
export class WalCheckpointer {
  readonly #o: Required<Omit<WalCheckpointerOptions, 'db'>> & { db: DatabaseSync };
  readonly #changes: StatementSync;
  readonly #timer: ReturnType<typeof setInterval>;
  #worker: Worker | undefined;
  #inFlight = false;
  #checkpointedAt = 0;
  #lastWorkAt = Date.now();
  #completed = 0;
  #polls = 0;
  #failed: string | undefined;
  #closed = false;
  #lookedAt = 0;
  #sizing = false;
  /** The WAL outgrew `walLimitBytes` since the last checkpoint (the last size seen). */
  #walOver = false;

  constructor(options: WalCheckpointerOptions) {
    const pageSize = Number(
      (options.db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size,
    );
    this.#o = {
      pollMs: 250,
      changesPerCheckpoint: 500,
      idleStopMs: 30_000,
      walLimitBytes: SQLITE_AUTOCHECKPOINT_PAGES * pageSize,
      busyChangesPerCheckpoint: 40 * (options.changesPerCheckpoint ?? 500),
      busyWalLimitBytes: 64 * 1024 * 1024,
      ...options,
    };
    this.#changes = options.db.prepare('SELECT total_changes() AS n');
    options.db.exec(`PRAGMA wal_autocheckpoint = ${BACKSTOP_AUTOCHECKPOINT_PAGES}`);
    // The WAL file keeps its largest size when SQLite rewinds it, unless limited: with the limit,
    // a file over it means frames written since the last rewind, which the size check below uses.
    options.db.exec(`PRAGMA journal_size_limit = ${this.#o.walLimitBytes}`);
    this.#checkpointedAt = this.#totalChanges();
    this.#lookedAt = this.#checkpointedAt;
    this.#timer = setInterval(() => this.#tick(), this.#o.pollMs);
    this.#timer.unref();
  }

  stats(): WalCheckpointStats {
    return {
      mode: 'background',
      completed: this.#completed,
      polls: this.#polls,
      running: this.#worker !== undefined,
      ...(this.#failed ? { failed: this.#failed } : {}),
    };
  }

  /** Stops the worker (waiting for a checkpoint it is running); the store closes its connection after. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#stopWorker();
  }

  #totalChanges(): number {
    return Number((this.#changes.get() as { n: number }).n);
  }

  #tick(): void {
    if (this.#closed || this.#failed || this.#inFlight || this.#sizing) return;
    this.#polls++;
    const total = this.#totalChanges();
    const pending = total - this.#checkpointedAt;
    if (total === this.#lookedAt) {
      // A lull: nothing written since the last look. What is due goes now, beside no request.
      if (pending >= this.#o.changesPerCheckpoint || (pending > 0 && this.#walOver)) this.#checkpoint(total);
      else this.#idle();
      return;
    }
    this.#lookedAt = total;
    if (pending >= this.#o.busyChangesPerCheckpoint) {
      this.#checkpoint(total);
      return;
    }
    // Rows changed: the WAL's size says whether they were big ones (async stat, off the event
    // loop; only after a change, so an idle gateway does not look).
    this.#sizing = true;
    stat(`${this.#o.path}-wal`).then(
      (s) => {
        this.#sizing = false;
        this.#walOver = s.size > this.#o.walLimitBytes;
        if (s.size > this.#o.busyWalLimitBytes && !this.#closed && !this.#failed && !this.#inFlight)
          this.#checkpoint(total);
        else this.#idle();
      },
      () => {
        this.#sizing = false;
      },
    );
  }

  #idle(): void {
    if (this.#worker && Date.now() - this.#lastWorkAt >= this.#o.idleStopMs) void this.#stopWorker();
  }

  #checkpoint(total: number): void {
    this.#lastWorkAt = Date.now();
    const worker = this.#worker ?? this.#startWorker();
    if (!worker) return;
    this.#inFlight = true;
    worker.once('message', (a: Answer) => {
      this.#inFlight = false;
      if (a.ok) {
        this.#completed++;
        this.#checkpointedAt = total;
        this.#walOver = false;
      } else this.#fail(a.error);
    });
    worker.postMessage('checkpoint');
  }

  #startWorker(): Worker | undefined {
    try {
      const worker = new Worker(WORKER, { eval: true, workerData: { path: this.#o.path } });
      // Never what keeps the process alive: closing the store stops it, and so does idleness.
      worker.unref();
      worker.on('error', (e) => this.#fail(e.message));
      worker.on('exit', () => {
        // One stopped for idleness may exit after the next one took a checkpoint request: that
        // request is still in flight (clearing it would send a second, counted twice).
        if (this.#worker !== worker) return;
        this.#worker = undefined;
        this.#inFlight = false;
      });
      this.#worker = worker;
      return worker;
    } catch (e) {
      this.#fail((e as Error).message);
      return undefined;
    }
  }

  async #stopWorker(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    const exited = new Promise<void>((r) => worker.once('exit', () => r()));
    worker.postMessage('close');
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((r) => {
      timer = setTimeout(() => r('late'), 5_000);
    });
    // A checkpoint in progress finishes first (the message waits behind it); one that hangs is cut.
    if ((await Promise.race([exited, late])) === 'late') await worker.terminate();
    clearTimeout(timer);
  }

  #fail(reason: string): void {
    if (this.#failed || this.#closed) return;
    this.#failed = reason;
    this.#inFlight = false;
    try {
      this.#o.db.exec(`PRAGMA wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`);
    } catch {
      // the store is closing
    }
    void this.#stopWorker();
  }
}
