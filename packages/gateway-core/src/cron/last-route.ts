import { agentIdInKey, agentSessionKey } from '../agents/agent-routing.ts';
import type { RunDelivery } from '../store/session-types.ts';
import type { CronJobRecord, Store } from '../store/types.ts';
import { jobAgentId } from './job-agent.ts';

type JobFields = Pick<CronJobRecord, 'id' | 'agentId' | 'action'>;

/**
 * The session whose chat is a job's last route: the named session it runs in (`session:<key>`),
 * else the creating session it names (the reference's `sessionKey`), in the reference's order,
 * under the job's agent as its turns are.
 * None for an isolated job: its own session is no chat, and the agent's main session here is the
 * operators' (direct messages keep sessions of their own), so the reference's fallback to it finds
 * no route either.
 */
export function routeSessionKey(job: JobFields): string | undefined {
  const a = job.action;
  if (a.kind === 'send') return undefined;
  // A main-session job's event carries the route of the session its sessionKey names.
  const key = a.kind === 'agent' ? (a.sessionKey ?? a.routeSessionKey) : a.routeSessionKey;
  if (!key) return undefined;
  return agentIdInKey(key) !== undefined ? key : agentSessionKey(jobAgentId(job), key);
}

export type LastRoute = { ok: true; target: RunDelivery } | { ok: false; error: string };

/**
 * Where a job's "last" delivery goes now: the chat its route session talks on (a channel session
 * is one chat, so its row keeps the route). Read when the job runs, so it follows the session.
 */
export async function resolveLastRoute(store: Pick<Store, 'sessions'>, job: JobFields): Promise<LastRoute> {
  const key = routeSessionKey(job);
  if (!key)
    return {
      ok: false,
      error:
        "no last route: the job runs in its own session and names no chat session; set delivery.channel and delivery.to, or the job's sessionKey to a chat's session",
    };
  const session = await store.sessions.get(key);
  if (!session) return { ok: false, error: `no last route: session ${key} does not exist` };
  const { kind, channel, accountId, chatId, threadId } = session;
  if (kind !== 'channel' || !channel || !accountId || !chatId)
    return { ok: false, error: `no last route: session ${key} is not a channel chat` };
  return { ok: true, target: { channel, accountId, chatId, ...(threadId ? { threadId } : {}) } };
}
