import { Type } from '@sinclair/typebox';
import { defineTool } from './agent-tool.ts';
import type { NodeInvoker } from './node-invoker.ts';
import { keepImage, type StoreImage } from './tool-images.ts';

const ACTIONS = ['present', 'navigate', 'eval', 'snapshot', 'a2ui.push', 'a2ui.reset'] as const;

export const CanvasToolInput = Type.Object(
  {
    action: Type.Union(
      ACTIONS.map((a) => Type.Literal(a)),
      {
        description:
          'present: show a page of the canvas folder (path). navigate: open a URL. eval: run a JavaScript expression and return its JSON value. snapshot: a PNG of what is shown. a2ui.push / a2ui.reset: A2UI surfaces.',
      },
    ),
    nodeId: Type.Optional(Type.String({ description: 'The canvas node; default: the first connected one.' })),
    path: Type.Optional(
      Type.String({ description: 'present: a file under the canvas folder, e.g. index.html.' }),
    ),
    url: Type.Optional(Type.String({ description: 'navigate: an absolute URL or a canvas path.' })),
    script: Type.Optional(Type.String({ description: 'eval: the expression.' })),
    messages: Type.Optional(Type.Array(Type.Unknown(), { description: 'a2ui.push: A2UI messages.' })),
    fullPage: Type.Optional(
      Type.Boolean({ description: 'snapshot: the whole page, not only the viewport.' }),
    ),
    attach: Type.Optional(
      Type.Boolean({ description: 'snapshot: send the picture with the answer (default true).' }),
    ),
  },
  { additionalProperties: false },
);

/** `canvas`: draw on a node's canvas and read it back, through node.invoke of the canvas.* commands. */
export function canvasTool(invoker: NodeInvoker, storeImage?: StoreImage) {
  return defineTool({
    name: 'canvas',
    description:
      'Drive the canvas shown on a node (a browser page the gateway serves): present a canvas file, navigate, evaluate script, take a snapshot, or push/reset A2UI surfaces.',
    schema: CanvasToolInput,
    methodFor: () => 'node.invoke',
    async run(input, ctx) {
      const command = `canvas.${input.action}`;
      const nodeId = await invoker.pick(command, input.nodeId);
      const params: Record<string, unknown> = {};
      if (input.path !== undefined) params.path = input.path;
      if (input.url !== undefined) params.url = input.url;
      if (input.script !== undefined) params.script = input.script;
      if (input.messages !== undefined) params.messages = input.messages;
      if (input.fullPage !== undefined) params.fullPage = input.fullPage;
      const r = await invoker.invoke({ nodeId, command, params, timeoutMs: 60_000 }, ctx);
      if (!r.ok) throw new Error(`${r.error?.code ?? 'FAILED'}: ${r.error?.message ?? 'the node refused'}`);
      // A snapshot comes back as its facts; the picture goes to the media store and the model.
      const result =
        input.action === 'snapshot'
          ? await keepImage(r.payload, ctx, storeImage, input.attach !== false)
          : (r.payload ?? null);
      return { nodeId, action: input.action, result };
    },
  });
}
