import type { Logger } from '../logging/logger.ts';
import type { CronJobRecord, CronRunRecord, Store } from '../store/types.ts';
import type { Completion } from './failure-alerts.ts';
import { runCompletion } from './job-outcome.ts';
import { settleDelivery } from './run-rows.ts';

/** How often a run's pending delivery is looked at (the outbox or webhook record may be another gateway's). */
export const DEFAULT_DELIVERY_POLL_MS = 1000;

/** How many of a job's newest runs a restarted scheduler looks at for a delivery still pending. */
export const RESUMED_RUNS = 100;

export interface DeliveryWatchOptions {
  store: Pick<Store, 'outbox' | 'cron'>;
  log: Logger;
  pollMs?: number | undefined;
  onSettled(run: CronRunRecord, completion: Completion): Promise<void>;
}

/**
 * Waits, per run, for what it handed to the outbox or its webhook to settle, then calls back with
 * the run as settled and its completion. It reads the store (so a delivery made by another
 * gateway of a cluster counts) at once and then every `pollMs`. A run whose outbox record is
 * gone had no reply to send (the outbox prunes only long after): it completed. Closing stops
 * waiting; the scheduler that next catches up watches each run still pending again.
 */
export class DeliveryWatch {
  readonly #waiting = new Set<Promise<void>>();
  readonly #wakers = new Set<() => void>();
  readonly #watched = new Set<string>();
  #closed = false;
  readonly o: DeliveryWatchOptions;

  constructor(options: DeliveryWatchOptions) {
    this.o = options;
  }

  /** Watch a run's delivery (once: a run already watched is left to that). */
  watch(run: CronRunRecord): void {
    if (this.#watched.has(run.runId)) return;
    this.#watched.add(run.runId);
    const p = this.#wait(run)
      .catch((e: unknown) =>
        this.o.log.warn(
          { jobId: run.jobId, runId: run.runId, err: (e as Error).message },
          'cron delivery not settled',
        ),
      )
      .finally(() => {
        this.#waiting.delete(p);
        this.#watched.delete(run.runId);
      });
    this.#waiting.add(p);
  }

  /**
   * A job's runs whose delivery was still pending when their scheduler stopped (their outcome
   * written, their completion not), each watched again so each run's completion is still decided
   * (an earlier one's only on its own row: the job shows the last). The newest `RESUMED_RUNS` runs
   * of the job are looked at; one whose outcome is not on the job yet (a crash in between) is not.
   */
  async resume(job: Pick<CronJobRecord, 'id' | 'lastRunAtMs'>): Promise<void> {
    if (job.lastRunAtMs === null) return;
    for (const run of await this.o.store.cron.runs({ jobId: job.id, limit: RESUMED_RUNS }))
      if (run.startedAtMs <= job.lastRunAtMs && runCompletion(run) === 'pending') this.watch(run);
  }

  /** Waits for the runs being watched (tests). */
  async settled(): Promise<void> {
    while (this.#waiting.size) await Promise.allSettled([...this.#waiting]);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const wake of this.#wakers) wake();
    await this.settled();
  }

  async #wait(first: CronRunRecord): Promise<void> {
    for (;;) {
      // The webhook queue writes its outcome on the stored run; the outbox on its own record.
      const stored = (await this.o.store.cron.runs({ runId: first.runId, limit: 1 }))[0] ?? first;
      const { run, pending } = await settleDelivery(this.o.store, stored);
      if (!pending) {
        const completion = runCompletion(run);
        await this.o.onSettled(run, completion === 'pending' ? 'succeeded' : completion);
        return;
      }
      if (this.#closed) return;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.#wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.o.pollMs ?? DEFAULT_DELIVERY_POLL_MS);
        timer.unref?.();
        this.#wakers.add(wake);
      });
    }
  }
}
