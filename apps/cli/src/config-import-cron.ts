type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

type Put = (path: string, value: unknown, from: string, why?: string) => void;
type Drop = (from: string, why: string) => void;

/** The reference's cron keys this gateway has no counterpart for, and why. */
const KEY_WHY: Record<string, string> = {
  skipMissedJobs:
    "missed firings follow each job's missedPolicy here (skip unless a job says run-once); there is no global switch",
  triggers: 'event-driven triggers, script payloads and stream schedules are not run here',
  sessionRetention:
    'an isolated job reuses one session of its own here, emptied at each run: there are no per-run sessions to prune',
  webhook: 'retired in the reference too: give a job delivery mode webhook with its URL',
  failureDestination:
    'retired in the reference (its doctor merges it into cron.failureAlert): set cron.failureAlert instead',
};
const SSRF_KEYS = new Set(['allowedHostnames', 'dangerouslyAllowPrivateNetwork', 'blockedHostnames']);
const ALERT_KEYS = new Set([
  'enabled',
  'after',
  'cooldownMs',
  'includeSkipped',
  'mode',
  'channel',
  'to',
  'accountId',
]);

/** A literal secret, not a `${VAR}` reference or a secret-store object. */
const literal = (v: unknown): v is string =>
  typeof v === 'string' && v.trim() !== '' && !/^\$\{[^}]+\}$/.test(v.trim());

/**
 * The reference's `cron` block as ours: the switch, the webhook token and network policy, and the
 * global failure-alert policy; the rest dropped with the reason. A value our schema refuses is
 * dropped by the caller's check. The jobs themselves are not in the config (the reference keeps
 * them in its state database): they are re-created with `cron add`.
 */
export function importCronBlock(v: unknown, put: Put, drop: Drop): void {
  if (!isObj(v)) {
    drop('cron', 'not an object');
    return;
  }
  for (const [k, value] of Object.entries(v)) {
    const from = `cron.${k}`;
    if (k === 'enabled') put('cron.enabled', value, from);
    else if (k === 'webhookToken') {
      if (literal(value)) put('cron.webhookToken', value, from, 'secret: kept in the config file as it was');
      else drop(from, 'a secret reference: write the token itself into cron.webhookToken');
    } else if (k === 'webhookSsrfPolicy' && isObj(value)) {
      for (const [pk, pv] of Object.entries(value))
        if (SSRF_KEYS.has(pk)) put(`cron.webhookSsrfPolicy.${pk}`, pv, `${from}.${pk}`);
        else
          drop(
            `${from}.${pk}`,
            'not a setting here (allowedHostnames, blockedHostnames, dangerouslyAllowPrivateNetwork)',
          );
    } else if (k === 'failureAlert' && isObj(value)) importFailureAlert(value, put, drop);
    else drop(from, KEY_WHY[k] ?? 'no such cron setting here');
  }
}

function importFailureAlert(a: Obj, put: Put, drop: Drop): void {
  const from = 'cron.failureAlert';
  const channel = a.channel === 'last' ? undefined : a.channel;
  // A chat is named by channel and to together here; a provider-prefixed to alone is not served.
  const partialChat = a.mode !== 'webhook' && (channel === undefined) !== (a.to === undefined);
  for (const [k, v] of Object.entries(a)) {
    if (!ALERT_KEYS.has(k)) drop(`${from}.${k}`, 'no such failure-alert setting here');
    else if (partialChat && (k === 'channel' || k === 'to' || k === 'accountId') && v !== 'last')
      drop(
        `${from}.${k}`,
        'an alert chat is named by channel and to together here (a provider-prefixed to alone is not served): alerts go to the last route',
      );
    else put(`${from}.${k}`, v, `${from}.${k}`);
  }
}
