import type { HistoryTurn } from '../sessions/responder.ts';

/**
 * A token estimate good enough for a budget: about four characters a token for the text and
 * tool calls of a message. Models differ; the budget keeps a quarter of the window free for the
 * answer, which absorbs the difference.
 */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

export function turnTokens(turn: HistoryTurn): number {
  return (
    estimateTokens(turn.text) + (turn.toolCalls ? estimateTokens(JSON.stringify(turn.toolCalls)) : 0) + 4
  );
}

/**
 * The newest turns that fit in `budget` tokens, and the older ones that do not. The cut is made
 * only before a user message, so a tool step always stays with its results (and an answer with
 * its question).
 */
export function fitHistory(
  history: readonly HistoryTurn[],
  budget: number,
): { keep: HistoryTurn[]; older: HistoryTurn[] } {
  let used = 0;
  let cut = history.length;
  for (let i = history.length - 1; i >= 0; i--) {
    used += turnTokens(history[i]!);
    if (used > budget) break;
    if (history[i]!.role === 'user') cut = i;
  }
  if (used <= budget) cut = 0;
  return { keep: history.slice(cut), older: history.slice(0, cut) };
}

/**
 * How many of the newest turns a manual compaction keeps: a tail of about `budget` tokens (the
 * reference's keepRecentTokens), cut where the budget runs out but never before a tool result, so
 * a tool call stays with its results (the cut moves to the next message that is no result).
 */
export function recentTailCount(history: readonly HistoryTurn[], budget: number): number {
  let used = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    used += turnTokens(history[i]!);
    if (used < budget) continue;
    let cut = i;
    while (cut < history.length && history[cut]!.role === 'toolResult') cut++;
    return history.length - cut;
  }
  return history.length;
}
