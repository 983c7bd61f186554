import { type AgentFinalResult, type agentMethods, gatewayError } from '@openclaw/protocol';
import { MAIN_AGENT_ID, MAIN_SESSION_KEY } from '../agents/agent-catalog.ts';
import type { FamilyHandlers, FinalTable } from '../router/router.ts';
import { runToolSummary } from '../sessions/run-tool-summary.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { Store } from '../store/types.ts';

function assertKnownAgent(agentId: string | undefined): void {
  if (agentId !== undefined && agentId !== MAIN_AGENT_ID) {
    throw gatewayError(
      'INVALID_REQUEST',
      'AGENT_UNKNOWN',
      `unknown agent id "${agentId}"; this gateway runs "main"`,
      {
        details: { agentId, known: [MAIN_AGENT_ID] },
      },
    );
  }
}

export interface AgentDeps {
  sessions: SessionRouter;
  store: Pick<Store, 'sessions'>;
}

/** agent (acceptance, then a final response) and agent.wait. */
export function createAgentHandlers({ sessions }: AgentDeps): FamilyHandlers<typeof agentMethods> {
  return {
    agent: async (params, ctx) => {
      assertKnownAgent(params.agentId);
      const channel = params.replyChannel || params.channel || undefined;
      const accountId = params.replyAccountId || params.accountId || undefined;
      const sessionKey =
        params.sessionKey || (params.agentId !== undefined && !params.to ? MAIN_SESSION_KEY : undefined);
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
      });
      return {
        runId: r.runId,
        sessionKey: r.sessionKey,
        agentId: MAIN_AGENT_ID,
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
