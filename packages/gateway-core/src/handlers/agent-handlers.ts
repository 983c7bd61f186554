import { type AgentFinalResult, type agentMethods, gatewayError } from '@openclaw/protocol';
import { parseThinkingLevel } from '../agent/thinking.ts';
import { type AgentCatalog, MAIN_AGENT_ID, MAIN_SESSION_NAME } from '../agents/agent-catalog.ts';
import { agentIdInKey, agentSessionKey } from '../agents/agent-routing.ts';
import type { FamilyHandlers, FinalTable } from '../router/router.ts';
import { runToolSummary } from '../sessions/run-tool-summary.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { Store } from '../store/types.ts';
import { newId } from '../util/ids.ts';
import { unknownAgent } from './agents-handlers.ts';

/**
 * The session an `agent` call runs in. A named agent with no session gets its main session
 * (`agent:<id>:main`; with a delivery target and no session, a fresh one of its own); a plain key
 * given with an agent other than main becomes that agent's (`agent:<id>:<key>`); a key of one
 * agent given with another is refused.
 */
function agentCallSession(
  agents: AgentCatalog,
  p: { agentId?: string | undefined; sessionKey?: string | undefined; to?: string | undefined },
): string | undefined {
  const { agentId } = p;
  const sessionKey = p.sessionKey || undefined;
  if (agentId === undefined) return sessionKey;
  if (!agents.profile(agentId))
    throw unknownAgent(
      agentId,
      agents.list().map((a) => a.id),
      'INVALID_REQUEST',
    );
  if (sessionKey === undefined) {
    if (!p.to) return `agent:${agentId}:${MAIN_SESSION_NAME}`;
    return agentId === MAIN_AGENT_ID ? undefined : agentSessionKey(agentId, newId('s'));
  }
  const owner = agents.agentOf(sessionKey);
  if (owner === agentId) return sessionKey;
  if (owner === MAIN_AGENT_ID && agentIdInKey(sessionKey) === undefined)
    return agentSessionKey(agentId, sessionKey);
  throw gatewayError(
    'INVALID_REQUEST',
    'PARAMS_INVALID',
    `session ${sessionKey} belongs to agent "${owner}", not "${agentId}"`,
    { details: { path: '/sessionKey', agentId, sessionKey } },
  );
}

export interface AgentDeps {
  sessions: SessionRouter;
  agents: AgentCatalog;
  store: Pick<Store, 'sessions'>;
}

/** agent (acceptance, then a final response) and agent.wait. */
export function createAgentHandlers({ sessions, agents }: AgentDeps): FamilyHandlers<typeof agentMethods> {
  return {
    agent: async (params, ctx) => {
      const sessionKey = agentCallSession(agents, params);
      const channel = params.replyChannel || params.channel || undefined;
      const accountId = params.replyAccountId || params.accountId || undefined;
      const r = await sessions.agent({
        message: params.message,
        sessionKey,
        channel,
        accountId,
        to: params.to || undefined,
        threadId: params.threadId || undefined,
        replyToId: params.replyTo || undefined,
        deliver: params.deliver,
        requireRoute: params.deliver === true && params.bestEffortDeliver !== true,
        timeoutMs: params.timeout !== undefined && params.timeout > 0 ? params.timeout * 1000 : undefined,
        dedupeKey: `${ctx.caller.id}|agent|${params.idempotencyKey}`,
        scopes: ctx.session.scopes,
        // This run's own level; the session's stays as it is.
        ...(params.thinking !== undefined
          ? { turn: { thinking: parseThinkingLevel(params.thinking, '/thinking') } }
          : {}),
      });
      return {
        runId: r.runId,
        sessionKey: r.sessionKey,
        agentId: agents.agentOf(r.sessionKey),
        status: 'accepted' as const,
        acceptedAt: r.acceptedAt,
      };
    },
    'agent.wait': async ({ runId, timeoutMs }) => {
      const r = await sessions.wait(runId, timeoutMs ?? 30_000);
      if (!r) throw gatewayError('NOT_FOUND', 'RUN_UNKNOWN', `no run ${runId}`);
      return r;
    },
  };
}

/** The second answer of `agent`: how the run ended and what it replied. */
export function createAgentFinals({ sessions, store }: AgentDeps): FinalTable {
  return {
    agent: async (accepted) => {
      const r = await sessions.settled(accepted.runId);
      if (!r) throw gatewayError('NOT_FOUND', 'RUN_UNKNOWN', `no run ${accepted.runId}`);
      const status = r.status === 'accepted' || r.status === 'running' ? 'interrupted' : r.status;
      const text = r.output ?? '';
      const final: AgentFinalResult = {
        runId: r.runId,
        sessionKey: accepted.sessionKey,
        status,
        summary: SUMMARY[status],
        result: {
          payloads: text.trim() ? [{ text }] : [],
          meta: { durationMs: Math.max(0, (r.endedAtMs ?? 0) - (r.startedAtMs ?? r.endedAtMs ?? 0)) },
        },
      };
      const tools = await runToolSummary(store, accepted.sessionKey, r.runId);
      if (tools) final.result.meta.toolSummary = tools;
      if (status !== 'ok' && r.error) final.error = r.error;
      return final;
    },
  };
}

const SUMMARY: Record<AgentFinalResult['status'], string> = {
  ok: 'completed',
  error: 'failed',
  aborted: 'aborted',
  timeout: 'timed out',
  interrupted: 'interrupted',
};
