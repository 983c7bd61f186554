import type { ModelMessage } from 'ai';
import type { HistoryTurn } from '../sessions/responder.ts';

/** A tool result as the model reads it back from history: JSON when it was JSON, else the text. */
function storedOutput(turn: HistoryTurn) {
  if (turn.isError) return { type: 'error-text' as const, value: turn.text };
  try {
    return { type: 'json' as const, value: JSON.parse(turn.text) as never };
  } catch {
    return { type: 'text' as const, value: turn.text };
  }
}

/**
 * The session's history as model messages. Tool steps keep their calls only when every result
 * follows (a window cut, or a crash between call and result, would otherwise leave a call the
 * API refuses); results without their call are left out.
 */
export function modelMessagesOf(history: readonly HistoryTurn[]): ModelMessage[] {
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
        return { type: 'tool-result' as const, toolCallId: c.id, toolName: c.name, output: storedOutput(r) };
      }),
    });
    i += calls.length;
  }
  return out;
}
