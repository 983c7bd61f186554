import { type RunUsageRecord, type UsageRepo, usageBuckets } from '@openclaw/gateway-core';
import { execAll, type RedisContext } from './redis-context.ts';

// Keys: usage (sorted set: a recorded run's JSON, scored by when it ended; the run id and its end
// make each member unique) and usage-latest (hash: session key → its latest run's JSON). Both are
// written in one MULTI, so a session's latest run is always one the cost history holds.
export function redisUsage({ client, key }: RedisContext): UsageRepo {
  return {
    async record(r) {
      const json = JSON.stringify(r);
      await execAll(
        client.multi().zadd(key('usage'), r.ts, json).hset(key('usage-latest'), r.sessionKey, json),
      );
    },
    async buckets(query) {
      // Sums are made here: Redis has no GROUP BY. A report reads the runs of its range once.
      const members = await client.zrangebyscore(key('usage'), query.fromMs, query.toMs);
      return usageBuckets(
        members.map((m) => JSON.parse(m) as RunUsageRecord),
        query,
      );
    },
    async latest(keys) {
      const out = new Map<string, RunUsageRecord>();
      if (keys.length === 0) return out;
      const values = await client.hmget(key('usage-latest'), ...keys);
      values.forEach((v, i) => {
        if (v !== null) out.set(keys[i]!, JSON.parse(v) as RunUsageRecord);
      });
      return out;
    },
    async forget(sessionKey) {
      await client.hdel(key('usage-latest'), sessionKey);
    },
  };
}
