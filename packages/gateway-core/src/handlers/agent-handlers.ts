import { type agentMethods, gatewayError } from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';
import type { SessionRouter } from '../sessions/session-router.ts';

export interface AgentDeps {
  sessions: SessionRouter;
}

/** agent / agent.wait: runs in a session, answered when accepted, awaited by id. */
export function createAgentHandlers({ sessions }: AgentDeps): FamilyHandlers<typeof agentMethods> {
  return {
    agent: async (params, ctx) => {
      const r = await sessions.agent({
        message: params.message,
        sessionKey: params.sessionKey || undefined,
        channel: params.channel,
        accountId: params.accountId,
        to: params.to,
        deliver: params.deliver,
        timeoutMs: params.timeout !== undefined ? params.timeout * 1000 : undefined,
        dedupeKey: `${ctx.caller.id}|agent|${params.idempotencyKey}`,
      });
      return { runId: r.runId, sessionKey: r.sessionKey, status: 'accepted' as const };
    },
    'agent.wait': async ({ runId, timeoutMs }) => {
      const r = await sessions.wait(runId, timeoutMs ?? 30_000);
      if (!r) throw gatewayError('NOT_FOUND', 'RUN_UNKNOWN', `no run ${runId}`);
      return r;
    },
  };
}
