import type { CronJobRecord, CronRepo, CronRunRecord } from '@openclaw/gateway-core';
import { LuaScript } from './lua-script.ts';
import type { RedisContext } from './redis-context.ts';

// Keys: cron-jobs (hash: id → job JSON), cron-runs (hash: run id → run JSON), cron-runs-by-start
// (sorted set: run id → startedAtMs) and cron-job-runs:<job id> (the same, per job).

// KEYS: cron-runs, cron-runs-by-start. ARGV: run id, job id, startedAtMs, JSON, per-job set base.
// A run rewritten under another job leaves its old job's set.
const putRun = new LuaScript(`
local old = redis.call('HGET', KEYS[1], ARGV[1])
if old then
  local oldJob = cjson.decode(old).jobId
  if oldJob ~= ARGV[2] then redis.call('ZREM', ARGV[5] .. oldJob, ARGV[1]) end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
redis.call('ZADD', ARGV[5] .. ARGV[2], ARGV[3], ARGV[1])
return 1
`);

const parseJob = (json: string) => JSON.parse(json) as CronJobRecord;
const parseRun = (json: string) => JSON.parse(json) as CronRunRecord;

export function redisCron({ client, key }: RedisContext): CronRepo {
  return {
    async list() {
      return (await client.hvals(key('cron-jobs')))
        .map(parseJob)
        .sort((a, b) => a.createdAtMs - b.createdAtMs);
    },
    async get(id) {
      const json = await client.hget(key('cron-jobs'), id);
      return json === null ? undefined : parseJob(json);
    },
    async put(job) {
      await client.hset(key('cron-jobs'), job.id, JSON.stringify(job));
    },
    async remove(id) {
      return (await client.hdel(key('cron-jobs'), id)) > 0;
    },
    async putRun(run) {
      await putRun.run(
        client,
        [key('cron-runs'), key('cron-runs-by-start')],
        [run.runId, run.jobId, run.startedAtMs, JSON.stringify(run), key('cron-job-runs', '')],
      );
    },
    async runs({ jobId, runId, limit }) {
      if (limit <= 0) return [];
      if (runId) {
        const json = await client.hget(key('cron-runs'), runId);
        const run = json === null ? undefined : parseRun(json);
        return run && (!jobId || run.jobId === jobId) ? [run] : [];
      }
      const index = jobId ? key('cron-job-runs', jobId) : key('cron-runs-by-start');
      const ids = await client.zrevrange(index, 0, limit - 1);
      if (ids.length === 0) return [];
      const rows = await client.hmget(key('cron-runs'), ...ids);
      return rows.filter((json): json is string => json !== null).map(parseRun);
    },
  };
}
