import type { CronJob, cronAdd, cronUpdate } from '@openclaw/protocol';
import type { Static } from '@sinclair/typebox';
import { MAIN_SESSION_NAME } from '../agents/agent-catalog.ts';
import type { CronJobRecord } from '../store/types.ts';
import { CronError } from './cron-error.ts';
import { jobAgentId } from './job-agent.ts';
import { checkedWebhookUrl } from './reference-webhook.ts';

type AddParams = Static<typeof cronAdd.params>;
type Patch = Static<typeof cronUpdate.params>['patch'];
type Layout = {
  [K in 'sessionTarget' | 'wakeMode' | 'delivery' | 'sessionKey']?: AddParams[K] | undefined;
} & {
  payload?: { kind: string; text?: string | undefined } | undefined;
};
export type EventAction = Extract<CronJobRecord['action'], { kind: 'systemEvent' }>;
type Delivery = { mode?: string | undefined; [k: string]: unknown };

function unsupported(path: string, why: string, value?: unknown): CronError {
  return new CronError('CRON_FIELD_UNSUPPORTED', `${path}: ${why}`, {
    details: { path, ...(value === undefined ? {} : { value }) },
  });
}

/**
 * Whether a job in the reference layout is a main-session job: it targets `main`, or carries a
 * system event (which the reference sends to the main session when no target is named).
 */
export function isMainSessionJob(p: Layout): boolean {
  return p.sessionTarget === 'main' || p.payload?.kind === 'systemEvent';
}

/** The main-session job a reference-layout `cron.add` describes, checked field by field. */
export function eventActionFromReference(p: Layout, at = ''): EventAction {
  const target = p.sessionTarget ?? 'main';
  if (target !== 'main')
    throw unsupported(
      `${at}/sessionTarget`,
      "a systemEvent payload is queued in the agent's main session: use sessionTarget main (or a message payload for other targets)",
      target,
    );
  if (p.payload?.kind !== 'systemEvent')
    throw unsupported(
      `${at}/payload/kind`,
      'a main-session job queues a system event (payload kind systemEvent); an agent turn runs isolated, current or in session:<key>',
      p.payload?.kind,
    );
  if (!p.payload.text) throw unsupported(`${at}/payload/text`, 'a system event needs its text');
  const action: EventAction = { kind: 'systemEvent', text: p.payload.text, wakeMode: p.wakeMode ?? 'now' };
  const d = p.delivery as Delivery | undefined;
  for (const f of ['failureDestination', 'completionDestination'] as const)
    if (d?.[f] !== undefined && d[f] !== null)
      throw unsupported(`${at}/delivery/${f}`, 'not served by this gateway');
  if (d?.mode === 'webhook') {
    // The finished run is POSTed (the reference serves webhook delivery on main-session jobs).
    for (const f of ['channel', 'accountId', 'threadId'] as const)
      if (d[f] !== undefined && d[f] !== null)
        throw unsupported(`${at}/delivery/${f}`, 'a webhook job posts, not to a chat', d[f]);
    action.webhook = checkedWebhookUrl(d.to, `${at}/delivery/to`);
  } else {
    // The reference refuses a chat target too: the turn's reply follows the event's route (sessionKey).
    if (d?.mode !== undefined && d.mode !== 'none')
      throw unsupported(
        `${at}/delivery/mode`,
        "a main-session job's reply goes to the chat of its sessionKey's session, not to a target of its own (the reference refuses it too); use none or webhook, or an isolated job to announce",
        d.mode,
      );
    // "last" is the reference's default channel: no preference.
    for (const f of ['channel', 'to', 'accountId', 'threadId'] as const)
      if (d?.[f] !== undefined && d[f] !== null && !(f === 'channel' && d[f] === 'last'))
        throw unsupported(`${at}/delivery/${f}`, 'with mode none nothing is delivered', d[f]);
  }
  // The event carries this session's route: the wake turn's reply goes to its chat.
  if (p.sessionKey) action.routeSessionKey = p.sessionKey;
  return action;
}

/**
 * The action a reference-layout `cron.update` patch leaves a job with when the result is a
 * main-session job (the job is one and stays one, or becomes one); undefined otherwise.
 */
export function eventActionFromPatch(job: CronJobRecord, patch: Patch): EventAction | undefined {
  const current = job.action.kind === 'systemEvent' ? job.action : undefined;
  const payload = patch.payload as Layout['payload'];
  const becomes = isMainSessionJob({ sessionTarget: patch.sessionTarget, payload });
  // A main-session job stays one unless the patch names another target.
  const stays = current !== undefined && patch.sessionTarget === undefined;
  if (!becomes && !stays) return undefined;
  const text = payload?.kind === 'systemEvent' ? (payload.text ?? current?.text) : current?.text;
  return eventActionFromReference(
    {
      sessionTarget: patch.sessionTarget ?? 'main',
      wakeMode: patch.wakeMode ?? current?.wakeMode,
      payload: payload && payload.kind !== 'systemEvent' ? payload : { kind: 'systemEvent', text },
      delivery: patchedDelivery(
        current?.webhook,
        patch.delivery as Delivery | undefined,
      ) as Layout['delivery'],
      // null clears the route; absent keeps it.
      sessionKey: patch.sessionKey === undefined ? current?.routeSessionKey : (patch.sessionKey ?? undefined),
    },
    '/patch',
  );
}

/**
 * A main-session job's delivery after a patch: the stored webhook with the patch's fields laid
 * over it (null clears one); turning delivery off or to another mode forgets the URL.
 */
function patchedDelivery(webhook: string | undefined, d: Delivery | undefined): Delivery | undefined {
  if (d === undefined) return webhook ? { mode: 'webhook', to: webhook } : undefined;
  const keep = webhook && (d.mode === undefined || d.mode === 'webhook');
  const out: Delivery = keep ? { mode: 'webhook', to: webhook } : {};
  for (const [k, v] of Object.entries(d)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** The session a main-session job's events go to: its agent's main session. */
export function mainSessionKey(job: Pick<CronJobRecord, 'agentId' | 'action'>): string {
  return `agent:${jobAgentId(job)}:${MAIN_SESSION_NAME}`;
}

/** How the reference's clients see a main-session job. */
export function eventJobView(
  a: EventAction,
): Pick<CronJob, 'sessionTarget' | 'wakeMode' | 'payload' | 'delivery' | 'sessionKey'> {
  return {
    sessionTarget: 'main',
    wakeMode: a.wakeMode ?? 'now',
    payload: { kind: 'systemEvent', text: a.text },
    ...(a.webhook ? { delivery: { mode: 'webhook' as const, to: a.webhook } } : {}),
    ...(a.routeSessionKey ? { sessionKey: a.routeSessionKey } : {}),
  };
}
