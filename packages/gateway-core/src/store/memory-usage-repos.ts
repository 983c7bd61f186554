import { usageBuckets } from './usage-buckets.ts';
import type { RunUsageRecord, UsageRepo } from './usage-types.ts';

export function memoryUsage(): UsageRepo {
  const runs: RunUsageRecord[] = [];
  const latest = new Map<string, RunUsageRecord>();
  return {
    async record(r) {
      runs.push(structuredClone(r));
      latest.set(r.sessionKey, structuredClone(r));
    },
    async buckets(query) {
      return usageBuckets(runs, query);
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
