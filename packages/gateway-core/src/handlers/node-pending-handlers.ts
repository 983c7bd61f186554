import { gatewayError, type nodePendingMethods } from '@openclaw/protocol';
import type { NodePendingQueue } from '../nodes/node-pending-queue.ts';
import type { FamilyHandlers, RequestContext } from '../router/router.ts';

export interface NodePendingDeps {
  nodePending: NodePendingQueue;
}

function nodeOf(ctx: RequestContext): string {
  const id = ctx.session.deviceId;
  if (!id)
    throw gatewayError('FORBIDDEN', 'ROLE_REQUIRED', 'node.pending.* needs a node with a device identity');
  return id;
}

/** node.pending.*: work queued for a node, taken when it is connected. */
export function createNodePendingHandlers({
  nodePending: queue,
}: NodePendingDeps): FamilyHandlers<typeof nodePendingMethods> {
  return {
    'node.pending.enqueue': async ({ nodeId, type, priority, expiresInMs }) => {
      const r = await queue.enqueue(nodeId, { type, priority, expiresInMs });
      return { nodeId, revision: r.revision, queued: r.queued, wakeTriggered: false as const };
    },
    'node.pending.drain': async ({ maxItems }, ctx) => {
      const nodeId = nodeOf(ctx);
      return { nodeId, ...(await queue.batch(nodeId, maxItems ?? 10, true)) };
    },
    'node.pending.pull': async ({ maxItems }, ctx) => {
      const nodeId = nodeOf(ctx);
      return { nodeId, ...(await queue.batch(nodeId, maxItems ?? 10, false)) };
    },
    'node.pending.ack': async ({ ids }, ctx) => {
      const nodeId = nodeOf(ctx);
      return { nodeId, ...(await queue.ack(nodeId, ids)) };
    },
  };
}
