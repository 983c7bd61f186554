import { DEFAULT_AGENT_ID, gatewayError } from '@openclaw/protocol';
import { agentIdInKey, agentSessionKey } from '../agents/agent-routing.ts';
import type { CronJobRecord } from '../store/types.ts';

type JobAgentFields = Pick<CronJobRecord, 'agentId' | 'action'>;

/**
 * Whose job this is: the agent it declares, else the one its session key names, else main (the
 * reference resolves a job's owner in the same order).
 */
export function jobAgentId(job: JobAgentFields): string {
  const a = job.action;
  // A main-session job's agent may come from the session whose route its event carries.
  const key = a.kind === 'agent' ? a.sessionKey : a.kind === 'systemEvent' ? a.routeSessionKey : undefined;
  return job.agentId ?? (key ? agentIdInKey(key) : undefined) ?? DEFAULT_AGENT_ID;
}

/**
 * The session a job's turn runs in: its session key (a plain one under the job's agent), or the
 * job's own `cron:<job id>` session of that agent (`agent:<id>:cron:<job id>`; main's stays plain).
 */
export function jobSessionKey(job: Pick<CronJobRecord, 'id' | 'agentId' | 'action'>): string {
  const key = (job.action.kind === 'agent' ? job.action.sessionKey : undefined) ?? `cron:${job.id}`;
  return agentIdInKey(key) !== undefined ? key : agentSessionKey(jobAgentId(job), key);
}

/**
 * A job may declare an agent only when its session key, if that names one, names the same
 * agent: a turn never runs in another agent's session.
 */
export function checkJobAgent(
  job: JobAgentFields,
  /** Where the session keys came from: our action (`/action/<field>`), or the reference layout's fields. */
  at: string | { sessionKey: string; routeSessionKey: string } = '/action',
): void {
  if (job.action.kind === 'send') return;
  const { sessionKey, routeSessionKey } =
    job.action.kind === 'agent'
      ? job.action
      : { sessionKey: undefined, routeSessionKey: job.action.routeSessionKey };
  const owner = job.agentId ?? (sessionKey ? agentIdInKey(sessionKey) : undefined) ?? DEFAULT_AGENT_ID;
  for (const [field, key, agent] of [
    ['sessionKey', sessionKey, job.agentId],
    // The creating session's chat is delivered to as the job's agent: it must be one of its own.
    ['routeSessionKey', routeSessionKey, owner],
  ] as const) {
    const named = key ? agentIdInKey(key) : undefined;
    if (agent === undefined || named === undefined || named === agent) continue;
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      `session ${key} belongs to agent "${named}", not "${agent}"`,
      {
        details: {
          path: typeof at === 'string' ? `${at}/${field}` : at[field],
          agentId: agent,
          sessionKey: key,
        },
      },
    );
  }
}
