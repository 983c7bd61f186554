import type { ExecApproval, NodeInvokeParams } from '@openclaw/protocol';
import type { Caller } from '../connection/transport.ts';
import type { ExecApprovals, GateOptions } from './exec-approvals.ts';

/** The argv of a system.run, in the layouts clients send: ours `{argv}`, the reference's `{command}` or a run plan. */
export function systemRunArgv(params: unknown): string[] | undefined {
  const p = (params ?? {}) as { argv?: unknown; command?: unknown; systemRunPlan?: { argv?: unknown } };
  for (const c of [p.argv, p.command, p.systemRunPlan?.argv]) {
    if (Array.isArray(c) && c.length > 0 && c.every((a) => typeof a === 'string')) return c as string[];
  }
  return undefined;
}

/**
 * node.invoke goes through the exec approval policy when the command is system.run: refused,
 * forwarded as is, or — after an operator approved it — forwarded with the decision attached
 * (`params.approval`), which a node that asks on a miss accepts in place of its allowlist.
 */
export function systemRunGate(approvals: ExecApprovals) {
  return (params: NodeInvokeParams, caller: Caller): Promise<NodeInvokeParams> =>
    gateSystemRun(approvals, params, { requestedBy: caller.id });
}

/** The same gate for callers that are not a connection (the agent's nodes tool). */
export async function gateSystemRun(
  approvals: ExecApprovals,
  params: NodeInvokeParams,
  who: { requestedBy?: string | undefined; sessionKey?: string | undefined; agentId?: string | undefined },
  onPending?: (approval: ExecApproval) => void,
  options?: GateOptions,
): Promise<NodeInvokeParams> {
  if (params.command !== 'system.run') return params;
  const argv = systemRunArgv(params.params) ?? [];
  const p = (params.params ?? {}) as { cwd?: unknown };
  const { approval } = await approvals.gate(
    {
      argv,
      cwd: typeof p.cwd === 'string' ? p.cwd : null,
      nodeId: params.nodeId,
      requestedBy: who.requestedBy,
      sessionKey: who.sessionKey,
      agentId: who.agentId,
    },
    onPending,
    options,
  );
  if (!approval) return params;
  return { ...params, params: { ...(params.params as object), approval } };
}
