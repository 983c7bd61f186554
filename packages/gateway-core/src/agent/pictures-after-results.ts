import type { ModelMessage } from 'ai';
import type { ResolvedModel } from './model-registry.ts';
import { toolResultImagesOf } from './tool-result-images.ts';

type ToolMessage = Extract<ModelMessage, { role: 'tool' }>;
type UserPart = Exclude<Extract<ModelMessage, { role: 'user' }>['content'], string>[number];

/**
 * The messages as `target` is sent them: as they are where its tool messages take pictures, else
 * with each step's pictures moved after its results (picturesAfterResults).
 */
export function messagesFor(
  target: Pick<ResolvedModel, 'api' | 'toolResultImages'>,
  messages: ModelMessage[],
): ModelMessage[] {
  return toolResultImagesOf(target.api, target.toolResultImages) === 'inline'
    ? messages
    : picturesAfterResults(messages);
}

/**
 * The messages as a chat API whose tool messages take text only needs them: each tool result
 * keeps its JSON text, and the pictures of a step follow its results in one user message, each
 * group introduced by the call it came from. The message exists only in the request: the
 * session stores the results, so `chat.history` never shows it and later turns do not resend it.
 */
export function picturesAfterResults(messages: readonly ModelMessage[]): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of messages) {
    if (m.role !== 'tool') {
      out.push(m);
      continue;
    }
    const pictures: UserPart[] = [];
    const content: ToolMessage['content'] = m.content.map((part) => {
      if (part.type !== 'tool-result' || part.output.type !== 'content') return part;
      const text: string[] = [];
      const images: UserPart[] = [];
      for (const v of part.output.value) {
        if (v.type === 'text') text.push(v.text);
        else if (v.type === 'file' && v.data.type === 'data' && v.data.data instanceof Uint8Array)
          images.push({ type: 'image', image: v.data.data, mediaType: v.mediaType });
      }
      if (images.length) {
        const n = images.length === 1 ? 'The picture' : `The ${images.length} pictures`;
        pictures.push(
          { type: 'text', text: `${n} from the ${part.toolName} tool call ${part.toolCallId}:` },
          ...images,
        );
      }
      return { ...part, output: { type: 'text' as const, value: text.join('\n') } };
    });
    out.push({ ...m, content });
    if (pictures.length) out.push({ role: 'user', content: pictures });
  }
  return out;
}
