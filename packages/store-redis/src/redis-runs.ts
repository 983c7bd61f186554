import type { RunRecord, RunRepo } from '@openclaw/gateway-core';
import { APPLY_PATCH_LUA, KNOWN_BY_KEY_LUA, LuaScript, PRUNE_FINISHED_LUA } from './lua-script.ts';
import { compareStrings } from './order.ts';
import { fromFlat, fromHash, patchArgs, toFields } from './record-codec.ts';
import { execAll, type RedisContext, readRecords } from './redis-context.ts';
import { RedisStoreError } from './redis-store-error.ts';

// Keys: run:<id> (hash), run-dedupe (hash: dedupe key → id), run-st:<status> (sorted set: id →
// createdAtMs), run-ended (sorted set: id → endedAtMs, for runs that ended).
// KEYS for every script: record, run-dedupe, run-ended. Status sets are named from ARGV bases.

// ARGV: id, dedupe key ('' = none), record key base, status set base, status, createdAtMs,
// endedAtMs ('' = none), fields…. Returns {0, existing run}, {-1} for a taken id, or {1}.
const create = new LuaScript(`${KNOWN_BY_KEY_LUA}
local known = known_by_key(KEYS[2], ARGV[2], ARGV[3])
if known then return {0, known} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {-1} end
redis.call('HSET', KEYS[1], unpack(ARGV, 8))
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) end
redis.call('ZADD', ARGV[4] .. ARGV[5], ARGV[6], ARGV[1])
if ARGV[7] ~= '' then redis.call('ZADD', KEYS[3], ARGV[7], ARGV[1]) end
return {1}
`);

// ARGV: id, status set base, patch…. Returns 0 for an unknown id.
const update = new LuaScript(`${APPLY_PATCH_LUA}
local old = redis.call('HGET', KEYS[1], 'status')
if not old then return 0 end
apply_patch(KEYS[1], 3)
local f = redis.call('HMGET', KEYS[1], 'status', 'createdAtMs', 'endedAtMs')
local new = f[1] or old
redis.call('ZREM', ARGV[2] .. cjson.decode(old), ARGV[1])
redis.call('ZADD', ARGV[2] .. cjson.decode(new), f[2] or 0, ARGV[1])
if f[3] then redis.call('ZADD', KEYS[3], f[3], ARGV[1]) else redis.call('ZREM', KEYS[3], ARGV[1]) end
return 1
`);

// ARGV: record key base, status set base, cutoff. Deletes runs that ended before the cutoff.
const prune = new LuaScript(`${PRUNE_FINISHED_LUA}
return prune_finished(KEYS[3], ARGV[3], ARGV[1], KEYS[2], function(id, status)
  redis.call('ZREM', ARGV[2] .. status, id)
end)
`);

// KEYS: run-dedupe, run-ended. ARGV: record key base, status set base, ids…. Deletes those runs
// that have ended (a run still accepted or running is kept). Returns how many.
const dropFinished = new LuaScript(`${PRUNE_FINISHED_LUA}
local n = 0
for i = 3, #ARGV do
  local id = ARGV[i]
  local k = ARGV[1] .. id
  local f = redis.call('HMGET', k, 'status', 'dedupeKey')
  if f[1] then
    local st = cjson.decode(f[1])
    if st ~= 'accepted' and st ~= 'running' then
      redis.call('ZREM', ARGV[2] .. st, id)
      forget_record(id, k, KEYS[1], KEYS[2], f[2])
      n = n + 1
    end
  end
end
return n
`);

/** Delete the runs a session's history dropped with their messages, unless they are still going. */
export async function dropFinishedRuns(
  { client, key }: RedisContext,
  runIds: readonly string[],
): Promise<number> {
  if (runIds.length === 0) return 0;
  return Number(
    await dropFinished.run(
      client,
      [key('run-dedupe'), key('run-ended')],
      [key('run', ''), key('run-st', ''), ...runIds],
    ),
  );
}

export function redisRuns({ client, key }: RedisContext): RunRepo {
  const keys = (id: string) => [key('run', id), key('run-dedupe'), key('run-ended')];
  return {
    async create(record) {
      const reply = (await create.run(client, keys(record.runId), [
        record.runId,
        record.dedupeKey ?? '',
        key('run', ''),
        key('run-st', ''),
        record.status,
        record.createdAtMs,
        record.endedAtMs ?? '',
        ...toFields(record),
      ])) as [number, unknown?];
      if (reply[0] === 0) return { record: fromFlat<RunRecord>(reply[1])!, created: false };
      if (reply[0] === -1) throw new RedisStoreError('DUPLICATE_ID', `run ${record.runId} exists`);
      return { record: structuredClone(record), created: true };
    },
    async get(runId) {
      return fromHash<RunRecord>(await client.hgetall(key('run', runId)));
    },
    async update(runId, patch) {
      await update.run(client, keys(runId), [runId, key('run-st', ''), ...patchArgs(patch)]);
    },
    async listByStatus(statuses) {
      const wanted = [...new Set(statuses)];
      if (wanted.length === 0) return [];
      const batch = client.pipeline();
      for (const s of wanted) batch.zrange(key('run-st', s), 0, -1);
      const ids = (await execAll(batch)).flat() as string[];
      const runs = await readRecords<RunRecord>(
        client,
        ids.map((id) => key('run', id)),
      );
      // A run can change status between the two reads; keep the answer true to the filter.
      return runs
        .filter((r) => wanted.includes(r.status))
        .sort((a, b) => a.createdAtMs - b.createdAtMs || compareStrings(a.runId, b.runId));
    },
    async prune(beforeMs) {
      return Number(await prune.run(client, keys(''), [key('run', ''), key('run-st', ''), beforeMs]));
    },
  };
}
