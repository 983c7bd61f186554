import { type approvalsMethods, gatewayError } from '@openclaw/protocol';
import type { ExecApprovals } from '../approvals/exec-approvals.ts';
import type { FamilyHandlers } from '../router/router.ts';

export interface ApprovalsDeps {
  approvals: ExecApprovals;
}

/** exec.approvals.get/set (the policy) and exec.approval.* (requests and decisions). */
export function createApprovalsHandlers({
  approvals,
}: ApprovalsDeps): FamilyHandlers<typeof approvalsMethods> {
  return {
    'exec.approvals.get': () => approvals.snapshot(),
    'exec.approvals.set': ({ file, baseHash }) => approvals.set(file, baseHash),
    'exec.approval.request': async (p, ctx) => {
      const argv = p.systemRunPlan?.argv ?? p.commandArgv ?? (p.command ? [p.command] : []);
      if (argv.length === 0) {
        throw gatewayError(
          'INVALID_REQUEST',
          'PARAMS_INVALID',
          'exec.approval.request needs systemRunPlan.argv, commandArgv or command',
          {
            details: { path: '/systemRunPlan', reason: 'missing' },
          },
        );
      }
      if (p.host && p.host !== 'node') {
        throw gatewayError(
          'INVALID_REQUEST',
          'PARAMS_INVALID',
          `host ${p.host} is not supported: commands run on nodes here`,
          {
            details: { path: '/host', reason: 'only node' },
          },
        );
      }
      const a = await approvals.request({
        argv,
        cwd: p.systemRunPlan?.cwd ?? p.cwd,
        nodeId: p.nodeId,
        agentId: p.systemRunPlan?.agentId ?? p.agentId,
        sessionKey: p.systemRunPlan?.sessionKey ?? p.sessionKey,
        requestedBy: ctx.caller.id,
        timeoutMs: p.timeoutMs,
      });
      return { id: a.id, expiresAtMs: a.expiresAtMs };
    },
    'exec.approval.resolve': ({ id, decision }, ctx) => approvals.resolve(id, decision, ctx.caller.id),
    'exec.approval.list': () => approvals.list(),
    'exec.approval.get': ({ id }) => approvals.get(id),
    'exec.approval.waitDecision': ({ id, timeoutMs }) => approvals.wait(id, timeoutMs ?? 30_000),
  };
}
