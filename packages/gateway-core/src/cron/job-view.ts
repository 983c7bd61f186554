import type { CronJob } from '@openclaw/protocol';
import type { CronJobRecord } from '../store/types.ts';
import { referenceView } from './reference-job.ts';
import { effectiveStaggerMs } from './stagger.ts';

/** An object without its undefined fields (a patch lays only what it names over a job). */
export function stripUndefined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}

/** Whether a run of the job hands something to a channel (a send, or an agent reply sent on). */
export function jobDelivers(job: Pick<CronJobRecord, 'action'>): boolean {
  const a = job.action;
  if (a.kind === 'systemEvent')
    // Its wake turn's reply goes to the chat of its sessionKey's session; with no turn, nothing.
    return Boolean(a.webhook || (a.routeSessionKey && a.wakeMode !== 'next-heartbeat'));
  return a.kind === 'send' || Boolean(a.deliver || (a.channel && a.to) || a.webhook);
}

/** A stored job as clients (and the reference's clients) see it. */
export function toJob(j: CronJobRecord): CronJob {
  const { alerts, bestEffort, lastDelivery, autoDisabled, lastErrorReason, ...job } = j;
  const out = { ...job, ...referenceView(j) } as CronJob & { description?: string };
  if (j.description === undefined) delete out.description;
  // The alert state as the reference shows it; the incident's signature stays inside.
  if (alerts) {
    out.state.consecutiveErrors = alerts.consecutiveErrors;
    if (alerts.consecutiveSkipped) out.state.consecutiveSkipped = alerts.consecutiveSkipped;
    if (alerts.lastFailureAlertAtMs !== undefined)
      out.state.lastFailureAlertAtMs = alerts.lastFailureAlertAtMs;
  }
  if (lastDelivery) {
    out.state.lastDeliveryStatus = lastDelivery.status;
    if (lastDelivery.status === 'delivered' || lastDelivery.status === 'not-delivered')
      out.state.lastDelivered = lastDelivery.status === 'delivered';
    if (lastDelivery.error !== undefined) out.state.lastDeliveryError = lastDelivery.error;
    if (lastDelivery.suppressionReason !== undefined)
      out.state.deliverySuppressionReason = lastDelivery.suppressionReason;
  }
  if (autoDisabled) out.state.autoDisabled = autoDisabled;
  if (lastErrorReason) out.state.lastErrorReason = lastErrorReason;
  if (j.failureDestination && out.delivery)
    out.delivery = { ...out.delivery, failureDestination: stripUndefined(j.failureDestination) };
  if (bestEffort && out.delivery) out.delivery = { ...out.delivery, bestEffort };
  if (j.agentId === undefined) delete out.agentId;
  if (!j.deleteAfterRun) delete out.deleteAfterRun;
  // The window it fires in: stored, or the top-of-hour default for a job stored without one.
  if (out.schedule.kind === 'cron')
    out.schedule = { ...out.schedule, staggerMs: effectiveStaggerMs(out.schedule) };
  return out;
}
