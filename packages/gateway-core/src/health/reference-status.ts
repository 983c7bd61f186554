import type { GatewayConfig, StatusResult } from '@openclaw/protocol';
import { parseModelRef } from '../agent/model-registry.ts';
import type { AccountRuntimeStatus } from '../channels/supervisor.ts';
import { heartbeatSettings } from '../heartbeat/agent-heartbeat-settings.ts';
import { NO_KEY_AGENT } from '../store/session-key-agent.ts';
import type { SessionRepo } from '../store/types.ts';

/** The reference's fields of `status` that come from the agents and their sessions. */
type AgentFacts = Pick<
  StatusResult,
  | 'heartbeat'
  | 'channelSummary'
  | 'queuedSystemEvents'
  | 'degradedSecretOwners'
  | 'degradedPlugins'
  | 'tasks'
  | 'taskAudit'
  | 'sessions'
>;

export interface ReferenceStatusSources {
  config: () => GatewayConfig;
  /** The agents, main first; which agent a session key belongs to; an agent's default model. */
  agents: {
    list(): { id: string }[];
    agentOf(sessionKey: string): string;
    modelRef(agentId?: string): string;
  };
  sessions: Pick<SessionRepo, 'counts'>;
  /** The agents' last heartbeat turns (an enabled agent whose last one found no chat waits for a route). */
  heartbeats?: { all(): Promise<{ agentId: string; reason?: string | undefined }[]> };
}

/**
 * Sessions per agent, from the store's counts (no session is read). A key's agent answers it only
 * while configured: the others' sessions (keys naming no agent, or a removed one) are main's, as
 * agentOf says for each key.
 */
async function sessionCounts(
  src: ReferenceStatusSources,
): Promise<{ total: number; byAgent: Map<string, number> }> {
  const { total, byKeyAgent } = await src.sessions.counts();
  const byAgent = new Map<string, number>();
  for (const [keyAgent, n] of byKeyAgent) {
    // The key of one such session: agentOf decides (one call per stored agent, not per session).
    const id = src.agents.agentOf(keyAgent === NO_KEY_AGENT ? 'main' : `agent:${keyAgent}:main`);
    byAgent.set(id, (byAgent.get(id) ?? 0) + n);
  }
  return { total, byAgent };
}

function channelLine(a: AccountRuntimeStatus): string {
  const parts = [a.healthState, a.connected ? 'connected' : 'not connected'];
  if (a.lastError) parts.push(a.lastError);
  return `${a.channel} ${a.accountId}: ${parts.join(' · ')}`;
}

const zeroTasks = (): StatusResult['tasks'] => ({
  total: 0,
  active: 0,
  terminal: 0,
  failures: 0,
  byStatus: { queued: 0, running: 0, succeeded: 0, failed: 0, timed_out: 0, cancelled: 0, lost: 0 },
  byRuntime: { subagent: 0, acp: 0, cli: 0, cron: 0 },
});

const zeroAudit = (): StatusResult['taskAudit'] => ({
  total: 0,
  warnings: 0,
  errors: 0,
  byCode: {
    stale_queued: 0,
    stale_running: 0,
    lost: 0,
    delivery_failed: 0,
    missing_cleanup: 0,
    inconsistent_timestamps: 0,
  },
});

/**
 * The reference's agent, session and heartbeat sections of `status`, from this gateway's facts.
 * Without `sessions` when the session store cannot be read (status still answers; `degraded` says why).
 */
export async function referenceStatus(
  src: ReferenceStatusSources,
  accounts: AccountRuntimeStatus[],
  includeChannelSummary: boolean,
): Promise<AgentFacts> {
  const counts = await sessionCounts(src).catch(() => undefined);
  const lastRuns = (await src.heartbeats?.all().catch(() => undefined)) ?? [];
  const agents = src.agents.list();
  const defaultAgentId = agents[0]?.id ?? 'main';
  const ref = src.agents.modelRef();
  const a = src.config().agent;
  const model = parseModelRef(ref)?.modelId ?? ref;
  return {
    heartbeat: {
      defaultAgentId,
      agents: heartbeatSettings(
        src.config(),
        agents.map((ag) => ag.id),
      ).map((h) => ({
        agentId: h.agentId,
        enabled: h.everyMs > 0,
        every: h.everyMs > 0 ? h.every : 'disabled',
        everyMs: h.everyMs > 0 ? h.everyMs : null,
        waitingForRoute:
          h.everyMs > 0 && lastRuns.find((r) => r.agentId === h.agentId)?.reason === 'no-route',
      })),
    },
    channelSummary: includeChannelSummary ? accounts.map(channelLine) : [],
    queuedSystemEvents: [],
    degradedSecretOwners: [],
    degradedPlugins: [],
    tasks: zeroTasks(),
    taskAudit: zeroAudit(),
    ...(counts && {
      sessions: {
        paths: [],
        count: counts.total,
        defaults: { model: model || null, contextTokens: a.contextTokensByModel[ref] ?? a.contextTokens },
        recent: [],
        byAgent: agents.map((ag) => ({
          agentId: ag.id,
          path: '[redacted]',
          count: counts.byAgent.get(ag.id) ?? 0,
          recent: [],
        })),
      },
    }),
  };
}
