import type { CronJob, CronScheduleInput, cronAdd, cronUpdate } from '@openclaw/protocol';
import { gatewayError } from '@openclaw/protocol';
import type { Static } from '@sinclair/typebox';
import type { CronJobRecord } from '../store/types.ts';
import { CronError } from './cron-error.ts';
import { deliveryWithoutDestination } from './failure-alert-input.ts';
import { jobSessionKey } from './job-agent.ts';
import type { JobInput } from './job-input.ts';
import { turnOptionsFromPayload, turnView } from './job-turn.ts';
import { routeSessionKey } from './last-route.ts';
import {
  type EventAction,
  eventActionFromPatch,
  eventActionFromReference,
  eventJobView,
  isMainSessionJob,
} from './main-session-job.ts';
import {
  applyWebhookDelivery,
  checkedWebhookUrl,
  checkWebhookAction,
  deliveryPatchBase,
  webhookPreview,
  webhookView,
} from './reference-webhook.ts';

type AddParams = Static<typeof cronAdd.params>;
type Patch = Static<typeof cronUpdate.params>['patch'];
/** The reference's description of an agent turn: what it runs, where, and where the reply goes. */
type Turn = {
  [K in 'payload' | 'sessionTarget' | 'wakeMode' | 'delivery' | 'sessionKey']?: AddParams[K] | undefined;
};
type AgentAction = Extract<CronJobRecord['action'], { kind: 'agent' }>;

/** The fields only the reference layout has (their presence picks that layout). */
const REFERENCE_FIELDS = [
  'payload',
  'sessionTarget',
  'wakeMode',
  'delivery',
  'sessionKey',
  'declarationKey',
  'owner',
  'pacing',
  'trigger',
] as const;

/** Refuse one field of a job by its JSON pointer: the gateway cannot do what it asks. */
function unsupported(path: string, why: string, value?: unknown): CronError {
  return new CronError('CRON_FIELD_UNSUPPORTED', `${path}: ${why}`, {
    details: { path, ...(value === undefined ? {} : { value }) },
  });
}

/** A stored schedule from either layout's; the reference's extras are honoured or refused. */
export function scheduleFromInput(s: CronScheduleInput, at = ''): CronJobRecord['schedule'] {
  switch (s.kind) {
    case 'at':
      return { kind: 'at', at: s.at };
    case 'every':
      return {
        kind: 'every',
        everyMs: s.everyMs,
        ...(s.anchorMs === undefined ? {} : { anchorMs: s.anchorMs }),
      };
    case 'cron':
      // A stagger window spreads the job's firings by a fixed offset of its own; 0: exact (kept,
      // so no default window is given); none: the default (job-record.ts).
      return {
        kind: 'cron',
        expr: s.expr,
        ...(s.tz ? { tz: s.tz } : {}),
        ...(s.staggerMs !== undefined ? { staggerMs: s.staggerMs } : {}),
      };
    default:
      throw unsupported(
        `${at}/schedule/kind`,
        'command-driven schedules are not run here; use at, every or cron',
        (s as { kind: string }).kind,
      );
  }
}

/**
 * A new job from `cron.add`, in whichever layout it came (its failure alert fields are read by
 * failure-alert-input.ts).
 */
export function jobInputFromAdd(params: AddParams): JobInput {
  const { delivery, ...rest } = params;
  const d = deliveryWithoutDestination(delivery);
  const p: AddParams = d === undefined ? rest : { ...rest, delivery: d };
  const reference = REFERENCE_FIELDS.filter((f) => p[f] !== undefined);
  const common = {
    name: p.name,
    schedule: scheduleFromInput(p.schedule),
    ...(p.agentId !== undefined ? { agentId: p.agentId } : {}),
    ...(p.description !== undefined ? { description: p.description } : {}),
    ...(p.displayName ? { displayName: p.displayName } : {}),
    ...(p.enabled !== undefined ? { enabled: p.enabled } : {}),
    ...(p.missedPolicy !== undefined ? { missedPolicy: p.missedPolicy } : {}),
    ...(p.deleteAfterRun !== undefined ? { deleteAfterRun: p.deleteAfterRun } : {}),
  };
  if (p.action) {
    if (reference.length > 0)
      throw unsupported(`/${reference[0]}`, 'a job has either action (this layout) or payload, not both');
    checkTarget(p.action);
    return { ...common, action: p.action };
  }
  if (!p.payload)
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      'cron.add needs action (kind agent or send), or payload with sessionTarget (the reference layout)',
      { details: { method: 'cron.add', path: '/action', reason: 'missing' } },
    );
  refuseExtras(p);
  // The reference removes a one-shot job once it has run, unless told to keep it.
  const deleteAfterRun = p.deleteAfterRun ?? common.schedule.kind === 'at';
  const action = isMainSessionJob(p) ? eventActionFromReference(p) : agentActionFromReference(p);
  return { ...common, deleteAfterRun, action };
}

/** The reference's job-level extras: served only in the values that mean what this gateway does. */
function refuseExtras(p: AddParams | Patch, at = ''): void {
  for (const f of ['declarationKey', 'owner', 'pacing', 'trigger', 'state'] as const) {
    const v = (p as Record<string, unknown>)[f];
    // A patch may clear what was never set.
    if (v !== undefined && !(v === null && at)) throw unsupported(`${at}/${f}`, 'not served by this gateway');
  }
}

function agentActionFromReference(p: Turn, at = ''): AgentAction {
  const payload = p.payload;
  if (payload?.kind !== 'agentTurn')
    throw unsupported(
      `${at}/payload/kind`,
      'command and script jobs are not run here; use agentTurn (a message for the agent) or systemEvent (sessionTarget main)',
      (payload as { kind: string }).kind,
    );
  // Only an event waits for a turn; an agent turn is one, and runs when due.
  if (p.wakeMode === 'next-heartbeat')
    throw unsupported(
      `${at}/wakeMode`,
      "next-heartbeat is for main-session jobs (a systemEvent waiting for the main session's next turn); an agent turn runs when due: use now",
      p.wakeMode,
    );
  const { kind: _k, message, ...options } = payload;
  const action: AgentAction = { kind: 'agent', message, ...turnOptionsFromPayload(options, at) };
  // `current` binds to the creating conversation; a call naming none runs isolated (as the reference does).
  const target =
    p.sessionTarget === 'current' && !p.sessionKey ? 'isolated' : (p.sessionTarget ?? 'isolated');
  if (target === 'main')
    throw unsupported(
      `${at}/sessionTarget`,
      'a main-session job queues a system event (payload kind systemEvent, text); an agent turn runs isolated, current or in session:<key>',
      target,
    );
  // current with a creating session: a fresh detached run bound to that conversation.
  if (target === 'current') action.currentSession = true;
  if (target === 'isolated' || target === 'current') action.freshSession = true;
  else action.sessionKey = target.slice('session:'.length);
  if (p.sessionKey) action.routeSessionKey = p.sessionKey;
  applyDelivery(action, p.delivery, at);
  checkTarget(action);
  return action;
}

function applyDelivery(action: AgentAction, d: Turn['delivery'], at: string): void {
  if (d === undefined) return;
  const extra = d as { failureDestination?: unknown; completionDestination?: unknown };
  for (const f of ['failureDestination', 'completionDestination'] as const)
    if (extra[f] !== undefined) throw unsupported(`${at}/delivery/${f}`, 'not served by this gateway');
  if (d.mode === 'webhook') {
    applyWebhookDelivery(action, d, at);
    return;
  }
  // "last" is the reference CLI's default channel: no preference.
  const channel = d.channel === 'last' ? undefined : d.channel;
  const threadId = d.threadId === undefined ? undefined : String(d.threadId);
  if (d.mode === 'none') {
    for (const [f, v] of [
      ['channel', channel],
      ['to', d.to],
      ['accountId', d.accountId],
      ['threadId', threadId],
    ] as const)
      if (v !== undefined) throw unsupported(`${at}/delivery/${f}`, 'with mode none nothing is delivered', v);
    return;
  }
  action.deliver = true;
  if (channel && d.to) {
    action.channel = channel;
    action.to = d.to;
    if (d.accountId) action.accountId = d.accountId;
    if (threadId) action.threadId = threadId;
    return;
  }
  // Neither: the last route, the chat of the job's session, found when the job runs. A partial
  // target (a provider-prefixed `to`, an account or thread for whatever chat that is) is not served.
  const partial = (
    [
      ['to', channel && d.to === undefined ? channel : undefined],
      ['channel', d.to],
      ['accountId', d.accountId],
      ['threadId', threadId],
    ] as const
  ).find(([, v]) => v !== undefined);
  if (partial)
    throw unsupported(
      `${at}/delivery/${partial[0]}`,
      'announce names a chat with both channel and to, or neither (channel "last": the chat of the job\'s session)',
      partial[1],
    );
}

/**
 * The action a `cron.update` patch in the reference layout leaves the job with (undefined when the
 * patch has none of its fields): the job's reference view, with the patch laid over it.
 */
export function actionFromPatch(job: CronJobRecord, given: Patch): AgentAction | EventAction | undefined {
  const { delivery: givenDelivery, ...others } = given;
  const d = deliveryWithoutDestination(givenDelivery);
  const patch: Patch = d === undefined ? others : { ...others, delivery: d };
  refuseExtras(patch, '/patch');
  const event = eventActionFromPatch(job, patch);
  if (event) return event;
  const { payload, delivery, sessionTarget, wakeMode, sessionKey } = patch;
  if (
    payload === undefined &&
    delivery === undefined &&
    sessionTarget === undefined &&
    wakeMode === undefined &&
    sessionKey === undefined
  )
    return undefined;
  if (patch.action)
    throw unsupported('/patch/payload', 'a patch changes action (this layout) or payload, not both');
  const current = job.action.kind === 'agent' ? { action: job.action, view: referenceView(job) } : undefined;
  if (payload && payload.kind !== 'agentTurn')
    throw unsupported(
      '/patch/payload/kind',
      'command and script jobs are not run here; use agentTurn (a message for the agent) or systemEvent (sessionTarget main)',
      payload.kind,
    );
  const merged = overlay(current?.view.payload ?? {}, payload ?? {}) as { message?: string };
  if (!merged.message)
    throw unsupported(
      '/patch/payload/message',
      'this job sends a message (action kind send): give the agent turn its message',
    );
  // Turning delivery off, or switching to or from webhook, forgets the stored target; other
  // changes keep what they do not name.
  const base = deliveryPatchBase(delivery, current?.view.delivery);
  const action = agentActionFromReference(
    {
      payload: { ...merged, kind: 'agentTurn', message: merged.message },
      sessionTarget: sessionTarget ?? current?.view.sessionTarget,
      wakeMode,
      // null clears the creating session; absent keeps it.
      sessionKey: sessionKey === undefined ? current?.view.sessionKey : sessionKey,
      delivery:
        delivery || current
          ? ({ mode: 'none', ...overlay(base, delivery ?? {}) } as Turn['delivery'])
          : undefined,
    },
    '/patch',
  );
  // The same target as before stays stored as it was (our layout's own-session default included).
  if (sessionTarget === undefined && current && !action.currentSession) {
    delete action.sessionKey;
    delete action.freshSession;
    if (current.action.sessionKey) action.sessionKey = current.action.sessionKey;
    if (current.action.freshSession) action.freshSession = true;
  }
  return action;
}

/** `base` with a patch laid over it: a value replaces, null removes. */
function overlay(base: object, patch: object): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** An action of our layout, checked: a delivery target names both its channel and its chat. */
export function checkedAction<A extends CronJobRecord['action']>(action: A): A {
  checkTarget(action);
  return action;
}

function checkTarget(action: CronJobRecord['action']): void {
  if (action.kind === 'systemEvent' && action.webhook) checkedWebhookUrl(action.webhook, '/action/webhook');
  if (action.kind !== 'agent') return;
  checkWebhookAction(action);
  if ((action.channel === undefined) !== (action.to === undefined))
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      'an agent action delivers to a chat with both channel and to',
      { details: { path: action.channel === undefined ? '/action/channel' : '/action/to' } },
    );
}

type ReferenceView = Pick<
  CronJob,
  'sessionKey' | 'sessionTarget' | 'wakeMode' | 'payload' | 'delivery' | 'state'
>;

/** How the reference's clients see a stored job (what their list and show commands read). */
export function referenceView(job: CronJobRecord): ReferenceView {
  const state: ReferenceView['state'] = {};
  if (job.enabled && job.nextRunAtMs !== null) state.nextRunAtMs = job.nextRunAtMs;
  if (job.lastRunAtMs !== null) state.lastRunAtMs = job.lastRunAtMs;
  if (job.lastStatus !== null && job.lastStatus !== 'running') {
    state.lastRunStatus = job.lastStatus;
    state.lastStatus = job.lastStatus;
  }
  const view: ReferenceView = { state };
  const a = job.action;
  if (a.kind === 'systemEvent') return { ...view, ...eventJobView(a) };
  if (a.kind !== 'agent') return view;
  if (a.routeSessionKey) view.sessionKey = a.routeSessionKey;
  view.sessionTarget = a.currentSession
    ? 'current'
    : a.freshSession && !a.sessionKey
      ? 'isolated'
      : `session:${jobSessionKey(job)}`;
  view.wakeMode = 'now';
  view.payload = { kind: 'agentTurn', message: a.message, ...turnView(a) };
  view.delivery =
    webhookView(a) ??
    (a.channel && a.to
      ? {
          mode: 'announce',
          channel: a.channel,
          to: a.to,
          ...(a.accountId ? { accountId: a.accountId } : {}),
          ...(a.threadId ? { threadId: a.threadId } : {}),
        }
      : a.deliver
        ? { mode: 'announce', channel: 'last' }
        : { mode: 'none' });
  return view;
}

/** Where a job's output goes, in a word and a reason (the reference CLI's Delivery column). */
export function deliveryPreview(job: CronJobRecord): { label: string; detail: string } {
  const a = job.action;
  if (a.kind === 'send')
    return { label: `send -> ${a.channel ?? 'default'}:${a.to}`, detail: 'a message, no agent turn' };
  const hook = webhookPreview(a);
  if (hook) return hook;
  if (a.kind === 'systemEvent')
    return a.routeSessionKey && a.wakeMode !== 'next-heartbeat'
      ? {
          label: 'main session',
          detail: `the turn's reply goes to the chat of session ${routeSessionKey(job)}`,
        }
      : { label: 'main session', detail: "the event and the turn's reply stay in the agent's main session" };
  if (a.currentSession && a.routeSessionKey)
    return a.deliver
      ? {
          label: a.channel && a.to ? `announce -> ${a.channel}:${a.to}` : 'announce -> current session',
          detail: `committed to session ${routeSessionKey(job)}${a.channel && a.to ? '' : ', and sent to its chat if it is one'}`,
        }
      : {
          label: 'none',
          detail: `reads session ${routeSessionKey(job)}; the reply stays in the job's session`,
        };
  if (a.channel && a.to) return { label: `announce -> ${a.channel}:${a.to}`, detail: 'named in the job' };
  if (a.deliver) {
    const key = routeSessionKey(job);
    return key
      ? { label: 'announce -> last', detail: `the chat of session ${key}, if it is one` }
      : { label: 'announce -> last', detail: 'no chat session: runs record not-delivered' };
  }
  return { label: 'none', detail: 'the reply stays in the session' };
}
