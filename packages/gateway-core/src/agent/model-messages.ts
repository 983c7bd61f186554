import type { ModelMessage } from 'ai';
import type { HistoryTurn } from '../sessions/responder.ts';
import { toolOutputOf } from './tool-output.ts';
import type { ToolImage } from './tools/agent-tool.ts';

/**
 * A tool result as the model reads it back from history: JSON when it was JSON, else the text;
 * with the pictures the call showed the model, when a resumed turn has them again.
 */
function storedOutput(turn: HistoryTurn, images: readonly ToolImage[] | undefined) {
  if (turn.isError) return { type: 'error-text' as const, value: turn.text };
  if (images?.length) return toolOutputOf({ result: storedValue(turn.text), isError: false, images });
  try {
    return { type: 'json' as const, value: JSON.parse(turn.text) as never };
  } catch {
    return { type: 'text' as const, value: turn.text };
  }
}

/** A stored result's value: its JSON, or its text when it was not JSON. */
export function storedValue(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * The session's history as model messages. Tool steps keep their calls only when every result
 * follows (a window cut, or a crash between call and result, would otherwise leave a call the
 * API refuses); results without their call are left out. `images`: pictures to show again with
 * the results of those calls (a resumed turn's own steps only; later turns get the facts).
 */
export function modelMessagesOf(
  history: readonly HistoryTurn[],
  images?: ReadonlyMap<string, ToolImage[]>,
): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (let i = 0; i < history.length; i++) {
    const h = history[i]!;
    if (h.role === 'user' || h.role === 'system') {
      if (h.text.trim()) out.push({ role: h.role === 'system' ? 'system' : 'user', content: h.text });
      continue;
    }
    if (h.role === 'toolResult') continue;
    const calls = h.toolCalls ?? [];
    const results = history.slice(i + 1, i + 1 + calls.length);
    const complete =
      calls.length > 0 &&
      results.length === calls.length &&
      calls.every((c) => results.some((r) => r.role === 'toolResult' && r.toolCallId === c.id));
    if (!complete) {
      if (h.text.trim()) out.push({ role: 'assistant', content: h.text });
      continue;
    }
    out.push({
      role: 'assistant',
      content: [
        ...(h.text ? [{ type: 'text' as const, text: h.text }] : []),
        ...calls.map((c) => ({
          type: 'tool-call' as const,
          toolCallId: c.id,
          toolName: c.name,
          input: c.args,
        })),
      ],
    });
    out.push({
      role: 'tool',
      content: calls.map((c) => {
        const r = results.find((x) => x.toolCallId === c.id)!;
        return {
          type: 'tool-result' as const,
          toolCallId: c.id,
          toolName: c.name,
          output: storedOutput(r, images?.get(c.id)),
        };
      }),
    });
    i += calls.length;
  }
  return out;
}
