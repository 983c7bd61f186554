import type { SessionUsageSummary } from '@openclaw/protocol';
import type { SessionMessageRecord } from '../store/types.ts';

type Counts = SessionUsageSummary['messageCounts'];
type Activity = Pick<SessionUsageSummary, 'messageCounts' | 'toolUsage' | 'dailyMessageCounts'> & {
  /** When its first and last counted message were stored. */
  span?: { first: number; last: number };
};

export const emptyCounts = (): Counts => ({
  total: 0,
  user: 0,
  assistant: 0,
  toolCalls: 0,
  toolResults: 0,
  errors: 0,
});

export function addCounts(t: Counts, s: Counts): void {
  t.total += s.total;
  t.user += s.user;
  t.assistant += s.assistant;
  t.toolCalls += s.toolCalls;
  t.toolResults += s.toolResults;
  t.errors += s.errors;
}

/**
 * A session's stored transcript within [fromMs, toMs] counted as the reference's usage view
 * counts it: user and assistant messages, tool calls by name, tool results, and errors (failed
 * tool results and answers that ended in error or were aborted). Only what the transcript still
 * holds is counted (retention and compaction drop older messages).
 */
export function messageActivity(
  messages: readonly SessionMessageRecord[],
  range: { fromMs: number; toMs: number },
  dayOf: (ms: number) => string,
): Activity {
  const counts = emptyCounts();
  const days = new Map<string, Counts>();
  const tools = new Map<string, number>();
  let span: { first: number; last: number } | undefined;
  for (const m of messages) {
    if (m.ts < range.fromMs || m.ts > range.toMs || m.role === 'system') continue;
    span = { first: Math.min(span?.first ?? m.ts, m.ts), last: Math.max(span?.last ?? m.ts, m.ts) };
    const one = emptyCounts();
    if (m.role === 'user' || m.role === 'assistant') {
      one[m.role]++;
      one.total++;
    }
    for (const call of m.toolCalls ?? []) {
      one.toolCalls++;
      tools.set(call.name, (tools.get(call.name) ?? 0) + 1);
    }
    if (m.role === 'toolResult') {
      one.toolResults++;
      if (m.isError) one.errors++;
    }
    if (m.role === 'assistant' && (m.status === 'error' || m.status === 'aborted')) one.errors++;
    addCounts(counts, one);
    const date = dayOf(m.ts);
    const day = days.get(date) ?? emptyCounts();
    addCounts(day, one);
    days.set(date, day);
  }
  const toolList = [...tools].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
  return {
    ...(span ? { span } : {}),
    messageCounts: counts,
    toolUsage: {
      totalCalls: toolList.reduce((n, t) => n + t.count, 0),
      uniqueTools: toolList.length,
      tools: toolList,
    },
    dailyMessageCounts: [...days]
      .map(([date, c]) => ({ date, ...c }))
      .sort((a, b) => a.date.localeCompare(b.date)),
  };
}
