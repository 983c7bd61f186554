import { type RunUsageRecord, type UsageRepo, usageBuckets } from '@openclaw/gateway-core';
import { execAll, type RedisContext } from './redis-context.ts';

// Keys: usage (sorted set: a recorded run's JSON, scored by when it ended; the run id and its end
// make each member unique), usage-session:<key> (the same members, one session's), and
// usage-latest (hash: session key → its latest run's JSON). All are written in one MULTI, so a
// session's runs and latest run are always ones the cost history holds.
export function redisUsage({ client, key }: RedisContext): UsageRepo {
  return {
    async record(r) {
      const json = JSON.stringify(r);
      const multi = client
        .multi()
        .zadd(key('usage'), r.ts, json)
        .zadd(key(`usage-session:${r.sessionKey}`), r.ts, json);
      if (r.kind !== 'compaction') multi.hset(key('usage-latest'), r.sessionKey, json);
      await execAll(multi);
    },
    async buckets(query) {
      // Sums are made here: Redis has no GROUP BY. A report reads the runs of its range once.
      const members = await client.zrangebyscore(key('usage'), query.fromMs, query.toMs);
      return usageBuckets(
        members.map((m) => JSON.parse(m) as RunUsageRecord),
        query,
      );
    },
    async runs(query) {
      const members = await client.zrangebyscore(
        key(query.sessionKey === undefined ? 'usage' : `usage-session:${query.sessionKey}`),
        query.fromMs,
        query.toMs,
      );
      const runs = members.map((m) => JSON.parse(m) as RunUsageRecord);
      return query.agentId === undefined ? runs : runs.filter((r) => r.agentId === query.agentId);
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
