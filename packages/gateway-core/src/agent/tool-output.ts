import type { ModelMessage } from 'ai';
import type { ToolImage } from './tools/agent-tool.ts';

type ToolOutput = Extract<ModelMessage, { role: 'tool' }>['content'][number] extends infer P
  ? P extends { type: 'tool-result'; output: infer O }
    ? O
    : never
  : never;

/**
 * A tool result as the model gets it: the error text, the JSON, or the JSON and its pictures. A
 * resumed turn builds its stored results through this too, so the model reads them as it would have.
 */
export function toolOutputOf(r: {
  result: unknown;
  isError: boolean;
  images?: readonly ToolImage[] | undefined;
}): ToolOutput {
  if (r.isError) return { type: 'error-text', value: String(r.result) };
  if (!r.images?.length) return { type: 'json', value: (r.result ?? null) as never };
  return {
    type: 'content',
    value: [
      { type: 'text', text: JSON.stringify(r.result ?? null) },
      ...r.images.map((i) => ({
        type: 'file' as const,
        mediaType: i.mediaType,
        data: { type: 'data' as const, data: i.data },
      })),
    ],
  };
}
