import { Type } from '@sinclair/typebox';
import { defineTool } from './agent-tool.ts';
import type { NodeInvoker } from './node-invoker.ts';
import { keepImage, type StoreImage } from './tool-images.ts';

export const NodesToolInput = Type.Object(
  {
    action: Type.Union([Type.Literal('list'), Type.Literal('invoke')], {
      description: 'list: the nodes and their approved commands. invoke: run one command on one node.',
    }),
    nodeId: Type.Optional(Type.String({ description: 'The node (from list); required for invoke.' })),
    command: Type.Optional(
      Type.String({
        description: 'The exact command for invoke, e.g. system.run, camera.snap, location.get.',
      }),
    ),
    params: Type.Optional(
      Type.Unknown({ description: 'The command params; system.run takes {argv: ["program", "arg", …]}.' }),
    ),
    timeoutMs: Type.Optional(
      Type.Integer({ minimum: 100, maximum: 600_000, description: 'Deadline of the invoke.' }),
    ),
  },
  { additionalProperties: false },
);

/** `nodes`: list the connected devices and run their approved commands (system.run under exec approval). */
export function nodesTool(invoker: NodeInvoker, storeImage?: StoreImage) {
  return defineTool({
    name: 'nodes',
    description:
      'List the paired nodes (devices) with the commands an operator approved for each, or invoke one command on a node (any connected one, also through another gateway of a cluster). system.run may wait for an operator to approve it.',
    schema: NodesToolInput,
    methodFor: (input) => (input.action === 'list' ? 'node.list' : 'node.invoke'),
    async run(input, ctx) {
      if (input.action === 'list') {
        const nodes = await invoker.list();
        return {
          nodes: nodes.map((n) => ({
            nodeId: n.nodeId,
            name: n.displayName ?? null,
            platform: n.platform ?? null,
            connected: n.connected,
            commands: n.approvedCommands ?? [],
            // In a cluster: the other gateway holding the node (invokes reach it through that one).
            ...(n.gatewayId ? { gatewayId: n.gatewayId } : {}),
          })),
        };
      }
      if (!input.command) throw new Error('invoke needs a command');
      const nodeId = await invoker.pick(input.command, input.nodeId);
      const r = await invoker.invoke(
        { nodeId, command: input.command, params: input.params, timeoutMs: input.timeoutMs },
        ctx,
      );
      if (!r.ok) throw new Error(`${r.error?.code ?? 'FAILED'}: ${r.error?.message ?? 'the node refused'}`);
      // A picture (camera, screen) goes to the media store and the model, not into the history.
      const result = await keepImage(r.payload ?? null, ctx, storeImage, false);
      return { nodeId, command: input.command, result };
    },
  });
}
