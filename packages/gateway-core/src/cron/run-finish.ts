import type { CronEvent } from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { CronJobRecord, CronRunRecord, FailureReason, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { DeliveryWatch } from './delivery-watch.ts';
import { jobSessionKey } from './job-agent.ts';
import { type CronAlerts, type OutcomeDeps, recordJobOutcome, runCompletion } from './job-outcome.ts';
import { toJob } from './job-view.ts';
import type { WebhookQueue } from './webhook-queue.ts';
import { jobWebhook, queueRunWebhook } from './webhook-run.ts';

export interface RunFinishDeps {
  store: Pick<Store, 'cron'>;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  webhooks?: WebhookQueue | undefined;
  alerts?: CronAlerts | undefined;
  /** Where a run whose delivery is pending waits for it, to record its completion. */
  deliveries?: Pick<DeliveryWatch, 'watch'> | undefined;
  /** Tells a job's agent that its job was turned off (too many failed runs in a row). */
  notify?: OutcomeDeps['notify'];
}

/** How an executed run came out. */
export interface RunEnd {
  ok: boolean;
  error?: string | undefined;
  /** Why its model failed, when the provider's answer said. */
  errorReason?: FailureReason | undefined;
  output?: string | undefined;
  /** The gateway stopped under it, and its turn did not go on (a transient failure). */
  interrupted?: boolean | undefined;
}

/**
 * Close an executed run: queue its webhook POST (stored before the run says it waits for it,
 * tried once the run does), record the finished run and its outcome on the job, and announce it.
 */
export async function finishRun(
  deps: RunFinishDeps,
  job: CronJobRecord,
  run: CronRunRecord,
  end: RunEnd,
): Promise<void> {
  const { ok, error, output } = end;
  const endedAtMs = deps.clock.now();
  const finished: CronRunRecord = {
    ...run,
    status: ok ? 'ok' : 'error',
    endedAtMs,
    ...(error ? { error } : {}),
    ...(!ok && end.errorReason ? { errorReason: end.errorReason } : {}),
    ...(!ok && end.interrupted ? { interrupted: true as const } : {}),
  };
  const webhook = jobWebhook(job.action);
  if (webhook && !run.delivery)
    Object.assign(
      finished,
      await queueRunWebhook(
        deps.webhooks,
        webhook,
        toJob(job),
        run,
        { ok, error, output },
        {
          endedAtMs,
          // A main-session job's run names no session of its own (as the reference's).
          sessionKey: run.agentRunId && job.action.kind === 'agent' ? jobSessionKey(job) : undefined,
        },
      ),
    );
  await deps.store.cron.putRun(finished);
  if (finished.webhook) deps.webhooks?.kick(run.runId);
  await recordJobOutcome(deps, finished);
  if (runCompletion(finished) === 'pending') deps.deliveries?.watch(finished);
  if (!ok) deps.log.warn({ jobId: job.id, runId: run.runId, err: error }, 'cron run failed');
  const event: CronEvent = {
    jobId: job.id,
    runId: run.runId,
    phase: 'finish',
    status: finished.status,
    ts: endedAtMs,
    ...(error ? { error } : {}),
  };
  deps.bus.publish('cron', event);
}
