import type { NodeInvokeParams } from '@openclaw/protocol';
import type { NodeService } from '../nodes/node-service.ts';
import type { HandlerTable, RequestContext } from '../router/router.ts';
import type { Clock } from '../util/clock.ts';
import { actorOf } from './device-handlers.ts';

/** node.* methods: registry, approvals and the invoke broker. */
export function createNodeHandlers(
  nodes: NodeService,
  clock: Clock,
  /** Vets an invoke before it goes out (the exec approval policy for system.run); may rewrite params. */
  gate?: (params: NodeInvokeParams, ctx: RequestContext) => Promise<NodeInvokeParams>,
): HandlerTable {
  return {
    'node.list': async () => ({ ts: clock.now(), nodes: await nodes.list() }),
    'node.describe': ({ nodeId }) => nodes.describe(nodeId),
    'node.rename': async ({ nodeId, displayName }, ctx) => {
      await nodes.rename(nodeId, displayName, actorOf(ctx));
      return { nodeId, displayName };
    },
    'node.pair.list': () => nodes.pairList(),
    'node.pair.approve': async ({ requestId }, ctx) => ({
      requestId,
      ...(await nodes.approve(requestId, actorOf(ctx))),
    }),
    'node.pair.reject': async ({ requestId }, ctx) => ({
      requestId,
      ...(await nodes.reject(requestId, actorOf(ctx))),
    }),
    'node.pair.remove': async ({ nodeId }, ctx) => ({
      nodeId,
      removed: await nodes.remove(nodeId, actorOf(ctx)),
    }),
    'node.invoke': async (params, ctx) => nodes.invoke(gate ? await gate(params, ctx) : params, ctx.conn),
    'node.invoke.result': (params, ctx) => nodes.result(params, ctx.conn),
    'node.invoke.progress': (params, ctx) => {
      nodes.progress(params, ctx.conn);
      return { ok: true as const };
    },
    'node.event': (params, ctx) => nodes.event(params, ctx.conn),
  };
}
