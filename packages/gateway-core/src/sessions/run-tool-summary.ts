import type { Store } from '../store/types.ts';

/** How far back a run's tool results are looked for (a turn makes at most `agent.maxSteps` steps). */
const LOOKBACK = 500;

export interface RunToolSummary {
  calls: number;
  tools: string[];
  failures: number;
}

/**
 * The tool calls a run made, from the results it stored in its session: how many, which tools
 * (each once, in the order first called) and how many failed — the `meta.toolSummary` the
 * reference's `openclaw agent --json` prints. Undefined when the run called no tool.
 */
export async function runToolSummary(
  store: Pick<Store, 'sessions'>,
  sessionKey: string,
  runId: string,
): Promise<RunToolSummary | undefined> {
  const results = (await store.sessions.history(sessionKey, { limit: LOOKBACK })).filter(
    (m) => m.runId === runId && m.role === 'toolResult',
  );
  if (results.length === 0) return undefined;
  const tools: string[] = [];
  for (const m of results) if (m.toolName && !tools.includes(m.toolName)) tools.push(m.toolName);
  return { calls: results.length, tools, failures: results.filter((m) => m.isError).length };
}
