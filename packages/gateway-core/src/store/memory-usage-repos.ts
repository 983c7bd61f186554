import { usageBuckets } from './usage-buckets.ts';
import type { RunUsageRecord, UsageRepo } from './usage-types.ts';

export function memoryUsage(): UsageRepo {
  const runs: RunUsageRecord[] = [];
  const latest = new Map<string, RunUsageRecord>();
  return {
    async record(r) {
      runs.push(structuredClone(r));
      if (r.kind !== 'compaction') latest.set(r.sessionKey, structuredClone(r));
    },
    async buckets(query) {
      return usageBuckets(runs, query);
    },
    async runs(q) {
      return runs
        .filter(
          (r) =>
            r.ts >= q.fromMs &&
            r.ts <= q.toMs &&
            (q.agentId === undefined || r.agentId === q.agentId) &&
            (q.sessionKey === undefined || r.sessionKey === q.sessionKey),
        )
        .sort((a, b) => a.ts - b.ts)
        .map((r) => structuredClone(r));
    },
    async latest(keys) {
      const out = new Map<string, RunUsageRecord>();
      for (const k of keys) {
        const r = latest.get(k);
        if (r) out.set(k, structuredClone(r));
      }
      return out;
    },
    async forget(key) {
      latest.delete(key);
    },
  };
}
