import type { Logger } from '../logging/logger.ts';
import type { CronJobRecord, CronRunRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { type AlertNotice, type Completion, type GlobalAlertConfig, settleAlert } from './failure-alerts.ts';

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
  if (run.delivery) return run.delivery.status === 'delivered' || run.bestEffort ? 'succeeded' : 'failed';
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
  deps: { store: Pick<Store, 'cron'>; clock: Clock; log: Logger; alerts?: CronAlerts | undefined },
  run: CronRunRecord,
  settled?: { completion: Completion },
): Promise<void> {
  const current = await deps.store.cron.get(run.jobId);
  // A later run already wrote its outcome: the completion of an earlier one no longer decides.
  if (!current || (settled && (current.lastRunAtMs ?? 0) > run.startedAtMs)) return;
  const completion = settled?.completion ?? runCompletion(run);
  const { alerts, notice } = settleAlert(
    current,
    run,
    deps.alerts?.config(),
    deps.clock.now(),
    completion,
    run.delivery?.error,
  );
  if (notice && deps.alerts)
    await deps.alerts
      .send(current, notice, run)
      .catch((e: unknown) =>
        deps.log.warn(
          { jobId: run.jobId, runId: run.runId, err: (e as Error).message },
          'cron failure alert not sent',
        ),
      );
  const done = oneShotAfter(current, run, completion);
  if (done === 'remove') {
    await deps.store.cron.remove(run.jobId);
    return;
  }
  await deps.store.cron.put({
    ...current,
    // The completion of an earlier run must not overwrite what a later one wrote.
    ...(settled ? {} : { lastRunAtMs: run.startedAtMs, lastStatus: run.status }),
    ...(alerts ? { alerts } : {}),
    ...(completion === 'pending' ? {} : { lastDelivery: deliveryOf(run) }),
    ...(done === 'disable' ? { enabled: false, nextRunAtMs: null } : {}),
  });
}

/**
 * What a run makes of a job removed after its run (the reference's one-shot policy): removed once
 * a run completed; a one-shot (`at`) job whose run succeeded but whose delivery failed is kept,
 * disabled, for inspection, and never replays its payload.
 */
function oneShotAfter(
  job: CronJobRecord,
  run: CronRunRecord,
  completion: Completion,
): 'remove' | 'disable' | undefined {
  if (!job.deleteAfterRun || run.status !== 'ok' || completion === 'pending') return undefined;
  if (completion === 'succeeded') return 'remove';
  return job.schedule.kind === 'at' ? 'disable' : undefined;
}

/**
 * A run's delivery as the job's state shows it, in the reference's terms: not requested when it
 * had nothing to deliver; unknown for a run that failed or was skipped, or one whose turn had no
 * reply to send.
 */
function deliveryOf(run: CronRunRecord): NonNullable<CronJobRecord['lastDelivery']> {
  if (run.delivers === false) return { status: 'not-requested' };
  if (run.status !== 'ok' || !run.delivery) return { status: 'unknown' };
  return run.delivery.error
    ? { status: run.delivery.status, error: run.delivery.error }
    : { status: run.delivery.status };
}
