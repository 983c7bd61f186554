import type { Logger } from '../logging/logger.ts';
import type { CronRunRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { type AlertNotice, type GlobalAlertConfig, settleAlert } from './failure-alerts.ts';

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
 * Write a finished run's outcome on its job: its last run and status, its failure streak and
 * incident; send the alert or recovery notice that calls for; remove a one-shot job that is done.
 * Only the gateway that ran the job does this, once per run, so gateways sharing a store decide
 * each run once. The notice is queued before the state is written: a crash between the two may
 * alert again for a later run, but never loses the alert.
 */
export async function recordJobOutcome(
  deps: { store: Pick<Store, 'cron'>; clock: Clock; log: Logger; alerts?: CronAlerts | undefined },
  run: CronRunRecord,
): Promise<void> {
  const current = await deps.store.cron.get(run.jobId);
  if (!current) return;
  const { alerts, notice } = settleAlert(current, run, deps.alerts?.config(), deps.clock.now());
  if (notice && deps.alerts)
    await deps.alerts
      .send(current, notice, run)
      .catch((e: unknown) =>
        deps.log.warn(
          { jobId: run.jobId, runId: run.runId, err: (e as Error).message },
          'cron failure alert not sent',
        ),
      );
  if (current.deleteAfterRun && run.status === 'ok') await deps.store.cron.remove(run.jobId);
  else
    await deps.store.cron.put({
      ...current,
      lastRunAtMs: run.startedAtMs,
      lastStatus: run.status,
      ...(alerts ? { alerts } : {}),
    });
}
