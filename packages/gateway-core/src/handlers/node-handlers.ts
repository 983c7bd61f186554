import type { nodeMethods } from '@openclaw/protocol';
import type { ExecApprovals } from '../approvals/exec-approvals.ts';
import { systemRunGate } from '../approvals/system-run-gate.ts';
import type { NodeService } from '../nodes/node-service.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Clock } from '../util/clock.ts';

export interface NodeDeps {
  nodes: NodeService;
  clock: Clock;
  approvals: ExecApprovals;
}

/** node.* methods: registry, approvals and the invoke broker. */
export function createNodeHandlers({
  nodes,
  clock,
  approvals,
}: NodeDeps): FamilyHandlers<typeof nodeMethods> {
  // system.run goes through the exec approval policy before it reaches a node.
  const gate = systemRunGate(approvals);
  return {
    'node.list': async () => ({ ts: clock.now(), nodes: await nodes.list() }),
    'node.describe': ({ nodeId }) => nodes.describe(nodeId),
    'node.rename': async ({ nodeId, displayName }, ctx) => {
      await nodes.rename(nodeId, displayName, ctx.caller);
      return { nodeId, displayName };
    },
    'node.pair.list': () => nodes.pairList(),
    'node.pair.approve': async ({ requestId }, ctx) => ({
      requestId,
      ...(await nodes.approve(requestId, ctx.caller)),
    }),
    'node.pair.reject': async ({ requestId }, ctx) => ({
      requestId,
      ...(await nodes.reject(requestId, ctx.caller)),
    }),
    'node.pair.remove': async ({ nodeId }, ctx) => ({
      nodeId,
      removed: await nodes.remove(nodeId, ctx.caller),
    }),
    'node.invoke': async (params, ctx) => nodes.invoke(await gate(params, ctx.caller), ctx.conn),
    'node.invoke.result': (params, ctx) => nodes.result(params, ctx.conn),
    'node.invoke.progress': (params, ctx) => {
      nodes.progress(params, ctx.conn);
      return { ok: true as const };
    },
    'node.event': (params, ctx) => nodes.event(params, ctx.conn),
  };
}
