import type { RunUsageRecord, UsageBucket } from './usage-types.ts';

/** Length of a usage bucket. */
export const USAGE_BUCKET_MS = 15 * 60_000;

/** Buckets of these runs' calls within [fromMs, toMs] (stores that cannot sum in a query). */
export function usageBuckets(
  runs: Iterable<RunUsageRecord>,
  query: { fromMs: number; toMs: number; agentId?: string | undefined },
): UsageBucket[] {
  const out = new Map<string, UsageBucket>();
  for (const run of runs) {
    if (run.ts < query.fromMs || run.ts > query.toMs) continue;
    if (query.agentId !== undefined && run.agentId !== query.agentId) continue;
    const startMs = Math.floor(run.ts / USAGE_BUCKET_MS) * USAGE_BUCKET_MS;
    for (const c of run.calls) {
      const id = JSON.stringify([startMs, run.agentId, c.provider, c.model]);
      let b = out.get(id);
      if (!b) {
        b = {
          startMs,
          agentId: run.agentId,
          provider: c.provider,
          model: c.model,
          input: 0,
          output: 0,
          cacheRead: 0,
          cacheWrite: 0,
          calls: 0,
        };
        out.set(id, b);
      }
      b.input += c.input;
      b.output += c.output;
      b.cacheRead += c.cacheRead;
      b.cacheWrite += c.cacheWrite;
      b.calls++;
    }
  }
  return [...out.values()].sort((a, b) => a.startMs - b.startMs);
}
