import { createHash } from 'node:crypto';
import type { CronAlertState, CronFailurePolicy, CronFailureRoute, CronJobRecord } from '../store/types.ts';

/** Failed runs in a row before the first alert, and the least time between two (the reference's). */
export const DEFAULT_ALERT_AFTER = 2;
export const DEFAULT_ALERT_COOLDOWN_MS = 3_600_000;

/** The global policy (config `cron.failureAlert`). */
export type GlobalAlertConfig = CronFailurePolicy & { enabled?: boolean | undefined };

/**
 * Where an alert goes: a webhook URL, a named chat, or (neither channel nor to) the last route,
 * the chat of the job's session, found when the alert is sent.
 */
export type AlertRoute =
  | { mode: 'webhook'; to: string }
  | {
      mode: 'announce';
      channel?: string | undefined;
      to?: string | undefined;
      accountId?: string | undefined;
      threadId?: string | undefined;
    };

export interface AlertPolicy {
  after: number;
  cooldownMs: number;
  /** Skipped runs in a row alert too (counted apart from failed ones). */
  includeSkipped: boolean;
  route: AlertRoute;
  /**
   * The route is a failure destination other than the job's primary target: a delivery failure
   * alerts there at once (the primary route just failed, so it is never retried for an alert).
   */
  alternate: boolean;
}

/** What to send: the text (chat) and the webhook's message (which also names the last error). */
export interface AlertNotice {
  kind: 'failure' | 'recovery';
  route: AlertRoute;
  text: string;
  webhookMessage: string;
}

const hasRoute = (r: CronFailureRoute | undefined): r is CronFailureRoute =>
  r !== undefined &&
  (r.mode !== undefined || r.channel !== undefined || r.to !== undefined || r.accountId !== undefined);

/** A layer's route, whole: a webhook URL, a named chat, or the last route. */
function routeOf(r: CronFailureRoute): AlertRoute | undefined {
  if (r.mode === 'webhook') return r.to ? { mode: 'webhook', to: r.to } : undefined;
  const channel = r.channel === 'last' ? undefined : r.channel;
  return channel && r.to
    ? { mode: 'announce', channel, to: r.to, ...(r.accountId ? { accountId: r.accountId } : {}) }
    : { mode: 'announce' };
}

/** The job's primary announce target, when its replies (or sends) go to a chat. */
function primaryRoute(job: Pick<CronJobRecord, 'action'>): AlertRoute | undefined {
  const a = job.action;
  if (a.kind === 'send')
    return {
      mode: 'announce',
      channel: a.channel,
      to: a.to,
      ...(a.accountId ? { accountId: a.accountId } : {}),
    };
  if (a.kind !== 'agent' || a.webhook) return undefined;
  if (a.channel && a.to)
    return {
      mode: 'announce',
      channel: a.channel,
      to: a.to,
      ...(a.accountId ? { accountId: a.accountId } : {}),
      ...(a.threadId ? { threadId: a.threadId } : {}),
    };
  return a.deliver ? { mode: 'announce' } : undefined;
}

/** Whether a failure destination is the job's own primary target (the reference's comparison). */
function samePrimary(r: AlertRoute, job: Pick<CronJobRecord, 'action'>): boolean {
  const a = job.action;
  if (r.mode === 'webhook') return a.kind !== 'send' && a.webhook === r.to;
  const p = primaryRoute(job);
  if (p?.mode !== 'announce' || p.threadId !== undefined) return false;
  return (r.channel ?? 'last') === (p.channel ?? 'last') && r.to === p.to && r.accountId === p.accountId;
}

/**
 * A job's effective alert policy, or null when it sends none. Its route, in the reference's order:
 * the route fields of the job's own failureAlert, else its failureDestination, else the global
 * destination (the first of these naming any route field is used whole), else the job's primary
 * announce target. A job with none of these alerts only when a failureAlert object (its own or the
 * global one) turns alerts on, then on the last route. false turns a job's alerts off; a global
 * `enabled: false` those of jobs without a failureAlert object of their own, and a best-effort
 * delivery (the reference's `delivery.bestEffort`) the inherited and default ones likewise.
 */
export function resolveAlertPolicy(
  job: Pick<CronJobRecord, 'action' | 'failureAlert' | 'failureDestination' | 'bestEffort'>,
  global: GlobalAlertConfig | undefined,
): AlertPolicy | null {
  if (job.failureAlert === false) return null;
  const own = job.failureAlert;
  if (!own && (global?.enabled === false || job.bestEffort)) return null;
  const layer = [own, job.failureDestination, global].find(hasRoute);
  const alternate = layer ? routeOf(layer) : undefined;
  const primary = primaryRoute(job);
  const explicit = own !== undefined || global !== undefined;
  if (!alternate && !primary && !explicit) return null;
  // A webhook layer without its URL routes nowhere (a job's own is refused when saved).
  if (layer && !alternate) return null;
  return {
    after: own?.after ?? global?.after ?? DEFAULT_ALERT_AFTER,
    cooldownMs: own?.cooldownMs ?? global?.cooldownMs ?? DEFAULT_ALERT_COOLDOWN_MS,
    includeSkipped: own?.includeSkipped ?? global?.includeSkipped ?? false,
    route: alternate ?? primary ?? { mode: 'announce' },
    alternate: layer !== undefined && alternate !== undefined && !samePrimary(alternate, job),
  };
}

/** One incident: the same failure (kind and cause) alerted on the same route. */
function signatureOf(kind: 'error' | 'skipped' | 'delivery', cause: string, route: AlertRoute): string {
  const r = route as Extract<AlertRoute, { mode: 'announce' }>;
  return createHash('sha256')
    .update(JSON.stringify([kind, cause, route.mode, r.channel, r.to, r.accountId, r.threadId]))
    .digest('hex');
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/**
 * Whether a finished run completed, in the reference's terms: it ran, and what it had to deliver
 * was delivered (or need not be: best effort); `pending` while its delivery has not settled.
 */
export type Completion = 'succeeded' | 'failed' | 'pending';

/**
 * A finished run's effect on its job's alert state, and the notice it calls for. Failed runs and
 * skipped runs each count in a row of their own (as the reference's: one of either kind ends the
 * other's streak); failed runs alert, skipped ones only when the policy includes them. At the
 * threshold one alert goes out per incident (a new kind, cause or route is a new one), none
 * within the cooldown of the last. A run that succeeded but whose required delivery failed ends
 * both streaks, is an incident of its own kind, and alerts at once but only on an alternate
 * destination. A run that completed ends the incident, with one recovery notice if it was
 * alerted; one whose delivery is still pending changes only the streaks.
 */
export function settleAlert(
  job: Pick<
    CronJobRecord,
    'id' | 'name' | 'action' | 'failureAlert' | 'failureDestination' | 'bestEffort' | 'alerts'
  >,
  run: { status: 'ok' | 'error' | 'skipped' | 'running'; error?: string | undefined },
  global: GlobalAlertConfig | undefined,
  now: number,
  completion: Completion = 'succeeded',
  deliveryError?: string,
): { alerts: CronAlertState | undefined; notice?: AlertNotice } {
  const before = job.alerts;
  if (run.status === 'running') return { alerts: before };
  const policy = resolveAlertPolicy(job, global);
  const name = job.name || job.id;
  if (run.status === 'ok' && completion === 'succeeded') {
    const alerts: CronAlertState = { consecutiveErrors: 0 };
    if (!before?.incident?.signature || !policy) return { alerts };
    const text = `Automation "${name}" recovered\nThe latest run completed successfully.`;
    return { alerts, notice: { kind: 'recovery', route: policy.route, text, webhookMessage: text } };
  }
  if (run.status === 'ok') {
    const { consecutiveSkipped: _s, ...kept } = before ?? { consecutiveErrors: 0 };
    if (completion === 'pending') return { alerts: { ...kept, consecutiveErrors: 0 } };
    const alerts: CronAlertState = { ...kept, consecutiveErrors: 0, incident: before?.incident ?? {} };
    if (!policy?.alternate) return { alerts };
    const cause = deliveryError?.trim() || 'unknown reason';
    const head = `Automation "${name}" delivery failed`;
    return raise(alerts, policy, signatureOf('delivery', cause, policy.route), now, {
      text: `${head}\nCheck automation history for details.`,
      webhookMessage: `${head}\nLast error: ${truncate(cause, 200)}`,
    });
  }
  const skipped = run.status === 'skipped';
  const { consecutiveSkipped: _s, ...kept } = before ?? { consecutiveErrors: 0 };
  const count = (skipped ? before?.consecutiveSkipped : before?.consecutiveErrors) ?? 0;
  const alerts: CronAlertState = skipped
    ? { ...kept, consecutiveErrors: 0, consecutiveSkipped: count + 1 }
    : { ...kept, consecutiveErrors: count + 1, incident: before?.incident ?? {} };
  if (!policy || (skipped && !policy.includeSkipped) || count + 1 < policy.after) return { alerts };
  const cause = run.error?.trim() || 'unknown reason';
  const head = `Automation "${name}" ${skipped ? 'skipped' : 'failed'} ${count + 1} times`;
  return raise(alerts, policy, signatureOf(skipped ? 'skipped' : 'error', cause, policy.route), now, {
    // A chat is told no error text (it may hold what the history keeps to itself); a webhook is.
    text: `${head}\nCheck automation history for details.`,
    webhookMessage: `${head}\n${skipped ? 'Skip reason' : 'Last error'}: ${truncate(cause, 200)}`,
  });
}

/** An alert for a new incident, unless it is the one already alerted or within the cooldown. */
function raise(
  alerts: CronAlertState,
  policy: AlertPolicy,
  signature: string,
  now: number,
  message: { text: string; webhookMessage: string },
): { alerts: CronAlertState; notice?: AlertNotice } {
  if (alerts.incident?.signature === signature) return { alerts };
  const last = alerts.lastFailureAlertAtMs;
  if (last !== undefined && last <= now && now - last < policy.cooldownMs) return { alerts };
  return {
    alerts: { ...alerts, incident: { signature }, lastFailureAlertAtMs: now },
    notice: { kind: 'failure', route: policy.route, ...message },
  };
}
