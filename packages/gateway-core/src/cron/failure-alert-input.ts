import type { cronAdd, cronUpdate } from '@openclaw/protocol';
import type { Static } from '@sinclair/typebox';
import type { CronFailurePolicy, CronFailureRoute, CronJobRecord } from '../store/types.ts';
import { CronError } from './cron-error.ts';
import { checkedWebhookUrl } from './reference-webhook.ts';

type AddParams = Static<typeof cronAdd.params>;
type Patch = Static<typeof cronUpdate.params>['patch'];
type Fields = {
  failureAlert?: false | CronFailurePolicy | null;
  failureDestination?: CronFailureRoute | null;
  /** The reference's delivery.bestEffort (null: back to alerts by default). */
  bestEffort?: true | null;
};

function unsupported(path: string, why: string, value?: unknown): CronError {
  return new CronError('CRON_FIELD_UNSUPPORTED', `${path}: ${why}`, {
    details: { path, ...(value === undefined ? {} : { value }) },
  });
}

/** The fields given, without undefined and null ones (null clears a field in a patch). */
function defined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null)) as T;
}

/**
 * A route as stored: a webhook with its http(s) URL, a named chat (channel and to, an account
 * with them), or the last route (neither). A partial chat target is refused, as a delivery's is.
 */
function checkRoute(r: CronFailureRoute, at: string): CronFailureRoute {
  if (r.mode === 'webhook') {
    for (const f of ['channel', 'accountId'] as const)
      if (r[f] !== undefined && !(f === 'channel' && r[f] === 'last'))
        throw unsupported(`${at}/${f}`, 'a webhook alert posts to the URL in to, not to a chat', r[f]);
    return { mode: 'webhook', to: checkedWebhookUrl(r.to, `${at}/to`) };
  }
  const channel = r.channel === 'last' ? undefined : r.channel;
  if (channel && !r.to)
    throw unsupported(
      `${at}/to`,
      'an alert names a chat with both channel and to, or neither (the last route)',
    );
  if (r.to && !channel)
    throw unsupported(
      `${at}/channel`,
      'an alert names a chat with both channel and to, or neither (the last route); a provider-prefixed to is not served',
      r.to,
    );
  if (r.accountId && !channel)
    throw unsupported(`${at}/accountId`, 'an account goes with a named chat (channel and to)', r.accountId);
  return r;
}

function checkPolicy(p: CronFailurePolicy, at: string): CronFailurePolicy {
  const { after, cooldownMs, includeSkipped, ...route } = p;
  const tuned = defined({ after, cooldownMs, includeSkipped });
  const r = defined(route);
  return Object.keys(r).length ? { ...tuned, ...checkRoute(r, at) } : tuned;
}

/**
 * A main-session job's alerts may go elsewhere only when its runs are POSTed (as in the
 * reference): its turn's reply follows its event's route, which is no target of its own.
 */
function checkDestinationOwner(action: CronJobRecord['action'] | undefined, at: string): void {
  if (action?.kind === 'systemEvent' && !action.webhook)
    throw unsupported(
      at,
      'a main-session job takes a failure destination only with webhook delivery (as in the reference); use failureAlert',
    );
}

/** The alert fields of a new job, in either layout; and the reference's delivery without them. */
export function alertFieldsFromAdd(p: AddParams): Fields {
  const inDelivery = (p.delivery as { failureDestination?: CronFailureRoute } | undefined)
    ?.failureDestination;
  const out: Fields = {};
  if ((p.delivery as { bestEffort?: boolean } | undefined)?.bestEffort === true) out.bestEffort = true;
  if (p.failureAlert !== undefined)
    out.failureAlert = p.failureAlert === false ? false : checkPolicy(p.failureAlert, '/failureAlert');
  if (p.failureDestination !== undefined && inDelivery !== undefined)
    throw unsupported('/failureDestination', 'give the failure destination once (here or in delivery)');
  const dest = p.failureDestination ?? inDelivery;
  const at = p.failureDestination !== undefined ? '/failureDestination' : '/delivery/failureDestination';
  if (dest !== undefined && Object.keys(defined(dest)).length)
    out.failureDestination = checkRoute(defined(dest), at);
  return out;
}

/**
 * The reference's delivery without its failure destination and best-effort flag (handled here,
 * as job fields, not by the action).
 */
export function deliveryWithoutDestination<D>(d: D): D {
  if (!d || typeof d !== 'object' || !('failureDestination' in d || 'bestEffort' in d)) return d;
  const {
    failureDestination: _f,
    bestEffort: _b,
    ...rest
  } = d as D & {
    failureDestination?: unknown;
    bestEffort?: unknown;
  };
  return (Object.keys(rest).length ? rest : undefined) as D;
}

/** `base` with a patch laid over it: a value replaces, null removes. */
function overlay<T extends object>(base: T | undefined, patch: object): T {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out as T;
}

/**
 * What a `cron.update` patch makes of a job's alert fields (null: remove). An object is laid
 * over the stored policy (`{}` turns alerts on with the stored tuning); false turns them off.
 */
export function alertFieldsFromPatch(
  job: Pick<CronJobRecord, 'failureAlert' | 'failureDestination' | 'action'>,
  patch: Patch,
  action?: CronJobRecord['action'],
): Fields {
  const out: Fields = {};
  const fa = patch.failureAlert;
  if (fa === false) out.failureAlert = false;
  else if (fa === null) out.failureAlert = null;
  else if (fa !== undefined)
    out.failureAlert = checkPolicy(overlay(job.failureAlert || undefined, fa), '/patch/failureAlert');
  const delivery = patch.delivery as { failureDestination?: object | null; bestEffort?: boolean } | undefined;
  if (delivery?.bestEffort !== undefined) out.bestEffort = delivery.bestEffort ? true : null;
  const inDelivery = delivery?.failureDestination;
  if (patch.failureDestination !== undefined && inDelivery !== undefined)
    throw unsupported('/patch/failureDestination', 'give the failure destination once (here or in delivery)');
  const dp = patch.failureDestination !== undefined ? patch.failureDestination : inDelivery;
  const at =
    patch.failureDestination !== undefined
      ? '/patch/failureDestination'
      : '/patch/delivery/failureDestination';
  if (dp === null) out.failureDestination = null;
  else if (dp !== undefined) {
    const merged = overlay(job.failureDestination, dp);
    out.failureDestination = Object.keys(merged).length ? checkRoute(merged, at) : null;
  }
  const dest = out.failureDestination === undefined ? job.failureDestination : out.failureDestination;
  if (dest) checkDestinationOwner(action ?? job.action, at);
  return out;
}

/** A new job's failure destination is checked against the action it came with. */
export function checkAddDestination(fields: Fields, action: CronJobRecord['action'], p: AddParams): void {
  if (fields.failureDestination)
    checkDestinationOwner(
      action,
      p.failureDestination !== undefined ? '/failureDestination' : '/delivery/failureDestination',
    );
}
