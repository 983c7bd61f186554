import type { Logger } from '../logging/logger.ts';
import type { CronJobRecord, CronRunRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { type AlertNotice, type Completion, type GlobalAlertConfig, settleAlert } from './failure-alerts.ts';
import { keepsOneShotOccurrence, nextRunAfterFailure } from './run-retry.ts';

/** Failure alerts as the scheduler uses them: the global policy, and how a notice is sent. */
export interface CronAlerts {
  config(): GlobalAlertConfig | undefined;
  send(
    job: Parameters<typeof settleAlert>[0] & { agentId?: string | undefined },
    notice: AlertNotice,
    run: CronRunRecord,
  ): Promise<void>;
}

/**
 * A finished run's completion (the reference's `completionStatus`): a run that failed or was
 * skipped did not complete; one that ran completed once what it delivers was delivered, or when
 * that failed for a job whose delivery is best effort. A run handed to the outbox or a webhook
 * whose outcome is not written yet is pending.
 */
export function runCompletion(run: CronRunRecord): Completion {
  if (run.status === 'running') return 'pending';
  if (run.status !== 'ok') return 'failed';
  // Nothing sent on purpose (an empty reply) is a completed run, as in the reference.
  if (run.delivery)
    return run.delivery.status === 'delivered' || run.delivery.suppressionReason || run.bestEffort
      ? 'succeeded'
      : 'failed';
  return run.outboxId || run.webhook ? 'pending' : 'succeeded';
}

/**
 * Write a finished run's outcome on its job: its last run and status, its failure streak and
 * incident; send the alert or recovery notice that calls for; settle a one-shot job that is done.
 * Only the gateway that ran the job does this, once per run, so gateways sharing a store decide
 * each run once. The notice is queued before the state is written: a crash between the two may
 * alert again for a later run, but never loses the alert.
 *
 * A run whose delivery is pending is written twice: at its end (its status; its streaks end) and,
 * with `completion`, once its delivery settled (`delivered`: recovery, or a delivery alert; and
 * what becomes of a one-shot job), as the reference decides those after delivery.
 */
export async function recordJobOutcome(
  deps: OutcomeDeps,
  run: CronRunRecord,
  settled?: { completion: Completion },
): Promise<void> {
  const current = await deps.store.cron.get(run.jobId);
  // A later run already wrote its outcome: the completion of an earlier one no longer decides.
  if (!current || (settled && (current.lastRunAtMs ?? 0) > run.startedAtMs)) return;
  const completion = settled?.completion ?? runCompletion(run);
  const settledAlert = settleAlert(
    current,
    run,
    deps.alerts?.config(),
    deps.clock.now(),
    completion,
    run.delivery?.error,
  );
  const { alerts } = settledAlert;
  const autoDisabled = settled ? undefined : autoDisableAfter(current, run, alerts, deps.clock.now());
  // The notice that the job was turned off stands for this run's failure alert (as the reference's).
  const notice = autoDisabled ? undefined : settledAlert.notice;
  if (autoDisabled) await notifyAutoDisabled(deps, current, autoDisabled);
  if (notice && deps.alerts)
    await deps.alerts
      .send(current, notice, run)
      .catch((e: unknown) =>
        deps.log.warn(
          { jobId: run.jobId, runId: run.runId, err: (e as Error).message },
          'cron failure alert not sent',
        ),
      );
  // A failed run may move the next run (a one-shot job's retry, a recurring job's backoff).
  const retryAtMs =
    settled || autoDisabled ? undefined : nextRunAfterFailure(current, run, alerts?.consecutiveErrors ?? 0);
  const done = retryAtMs === undefined ? oneShotAfter(current, run, completion) : undefined;
  if (done === 'remove') {
    await deps.store.cron.remove(run.jobId);
    return;
  }
  await deps.store.cron.put({
    ...current,
    // The completion of an earlier run must not overwrite what a later one wrote.
    ...(settled
      ? {}
      : {
          lastRunAtMs: run.startedAtMs,
          lastStatus: run.status,
          // A run that did not fail has none: the last one is cleared.
          lastErrorReason: run.errorReason,
        }),
    ...(alerts ? { alerts } : {}),
    ...(completion === 'pending' ? {} : { lastDelivery: deliveryOf(run) }),
    ...(retryAtMs !== undefined ? { nextRunAtMs: retryAtMs } : {}),
    ...(done === 'disable' || autoDisabled ? { enabled: false, nextRunAtMs: null } : {}),
    ...(autoDisabled ? { autoDisabled } : {}),
  });
}

/** What recording a run's outcome needs; `notify` tells the job's agent it was turned off. */
export interface OutcomeDeps {
  store: Pick<Store, 'cron'>;
  clock: Clock;
  log: Logger;
  alerts?: CronAlerts | undefined;
  notify?: ((job: CronJobRecord, text: string, key: string) => Promise<void>) | undefined;
}

/** Failed runs in a row after which a recurring job is turned off (the reference's limit). */
export const AUTO_DISABLE_AFTER = 10;

/**
 * Whether this failed run turns its job off, as the reference's scheduler does: a recurring
 * (`cron`, `every`) job, enabled, whose failed runs in a row reached the limit. A run started by
 * hand (`cron run`) counts in the streak but, as there, never turns the job off itself.
 */
function autoDisableAfter(
  job: CronJobRecord,
  run: CronRunRecord,
  alerts: CronJobRecord['alerts'],
  now: number,
): CronJobRecord['autoDisabled'] {
  const consecutiveErrors = alerts?.consecutiveErrors ?? 0;
  if (run.status !== 'error' || run.trigger === 'manual' || !job.enabled || job.autoDisabled)
    return undefined;
  if (job.schedule.kind === 'at' || consecutiveErrors < AUTO_DISABLE_AFTER) return undefined;
  return { reason: 'consecutive-failures', atMs: now, consecutiveErrors };
}

/**
 * Tell the job's agent that the job was turned off: a system event in its main session (with the
 * route of the job's creating session, if any) and a turn there at once, as the reference wakes
 * the agent with it. Whatever a job's failure-alert policy, this notice goes.
 */
async function notifyAutoDisabled(
  deps: OutcomeDeps,
  job: CronJobRecord,
  off: NonNullable<CronJobRecord['autoDisabled']>,
): Promise<void> {
  const text =
    `Automation "${job.name || job.id}" was turned off after ${off.consecutiveErrors} failed runs in a row. ` +
    `Once the cause is fixed, turn it on again: openclaw cron enable ${job.id}`;
  await deps
    .notify?.(job, text, `cron|${job.id}|auto-disabled|${off.atMs}`)
    .catch((e: unknown) =>
      deps.log.warn({ jobId: job.id, err: (e as Error).message }, 'cron auto-disable notice not sent'),
    );
}

/**
 * What a run makes of a one-shot job or one removed after its run (the reference's policy), once
 * its completion is known: a job removed after its run is removed once a run completed; a one-shot
 * (`at`) job otherwise is disabled (no next run) whatever the outcome — kept after a success
 * without `deleteAfterRun`, after a failed or skipped run, or when its delivery failed — so it is
 * kept for inspection and never replays its payload. A run by hand before the job's time leaves
 * the job as it was: it still fires then.
 */
function oneShotAfter(
  job: CronJobRecord,
  run: CronRunRecord,
  completion: Completion,
): 'remove' | 'disable' | undefined {
  if (run.status === 'running' || completion === 'pending') return undefined;
  if (keepsOneShotOccurrence(job, run)) return undefined;
  if (job.deleteAfterRun && completion === 'succeeded') return 'remove';
  return job.schedule.kind === 'at' && job.enabled ? 'disable' : undefined;
}

/**
 * A run's delivery as the job's state shows it, in the reference's terms: not requested when it
 * had nothing to deliver; unknown for a run that failed or was skipped, or one whose turn had no
 * reply to send.
 */
function deliveryOf(run: CronRunRecord): NonNullable<CronJobRecord['lastDelivery']> {
  if (run.delivers === false) return { status: 'not-requested' };
  if (run.status !== 'ok' || !run.delivery) return { status: 'unknown' };
  const { status, error, suppressionReason } = run.delivery;
  return {
    status,
    ...(error ? { error } : {}),
    ...(suppressionReason ? { suppressionReason } : {}),
  };
}
