import type { CronJob, cronAdd, cronUpdate } from '@openclaw/protocol';
import type { Static } from '@sinclair/typebox';
import { MAIN_SESSION_NAME } from '../agents/agent-catalog.ts';
import type { CronJobRecord } from '../store/types.ts';
import { CronError } from './cron-error.ts';
import { jobAgentId } from './job-agent.ts';

type AddParams = Static<typeof cronAdd.params>;
type Patch = Static<typeof cronUpdate.params>['patch'];
type Layout = {
  [K in 'sessionTarget' | 'wakeMode' | 'delivery' | 'sessionKey']?: AddParams[K] | undefined;
} & {
  payload?: { kind: string; text?: string | undefined } | undefined;
};
export type EventAction = Extract<CronJobRecord['action'], { kind: 'systemEvent' }>;

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
  // The reply stays in the main session (it is no chat here): nothing is announced or posted.
  const d = p.delivery as { mode?: string; [k: string]: unknown } | undefined;
  if (d?.mode !== undefined && d.mode !== 'none')
    throw unsupported(
      `${at}/delivery/mode`,
      "a main-session job's turn answers in the agent's main session; only none (or no delivery) is served",
      d.mode,
    );
  // "last" is the reference's default channel: no preference.
  for (const f of ['channel', 'to', 'accountId', 'threadId'] as const)
    if (d?.[f] !== undefined && d[f] !== null && !(f === 'channel' && d[f] === 'last'))
      throw unsupported(`${at}/delivery/${f}`, 'with mode none nothing is delivered', d[f]);
  if (p.sessionKey)
    throw unsupported(
      `${at}/sessionKey`,
      "a main-session job's event goes to the agent's main session, which has no chat here to route to; leave sessionKey out",
      p.sessionKey,
    );
  return { kind: 'systemEvent', text: p.payload.text, wakeMode: p.wakeMode ?? 'now' };
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
      delivery: patch.delivery as Layout['delivery'],
      sessionKey: patch.sessionKey,
    },
    '/patch',
  );
}

/** The session a main-session job's events go to: its agent's main session. */
export function mainSessionKey(job: Pick<CronJobRecord, 'agentId' | 'action'>): string {
  return `agent:${jobAgentId(job)}:${MAIN_SESSION_NAME}`;
}

/** How the reference's clients see a main-session job. */
export function eventJobView(a: EventAction): Pick<CronJob, 'sessionTarget' | 'wakeMode' | 'payload'> {
  return {
    sessionTarget: 'main',
    wakeMode: a.wakeMode ?? 'now',
    payload: { kind: 'systemEvent', text: a.text },
  };
}
