import type { ApprovalRecord, ApprovalRepo } from '@openclaw/gateway-core';
import { APPLY_PATCH_LUA, KNOWN_BY_KEY_LUA, LuaScript } from './lua-script.ts';
import { compareStrings } from './order.ts';
import { fromFlat, fromHash, patchArgs, toFields } from './record-codec.ts';
import type { RedisContext } from './redis-context.ts';
import { readRecords } from './redis-context.ts';
import { RedisStoreError } from './redis-store-error.ts';

// Keys: appr:<id> (hash), appr-key (hash: the asker's key → id), appr-pending (sorted set: id →
// createdAtMs), appr-done (sorted set: id → resolvedAtMs, for pruning decided ones).

const PENDING = JSON.stringify('pending');

// KEYS: record, appr-key, appr-pending. ARGV: id, key ('' = none), record key base, createdAtMs,
// fields…. Returns {0, existing record} for a key already asked, {-1} for a taken id, or {1}.
const create = new LuaScript(`${KNOWN_BY_KEY_LUA}
local known = known_by_key(KEYS[2], ARGV[2], ARGV[3])
if known then return {0, known} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {-1} end
redis.call('HSET', KEYS[1], unpack(ARGV, 5))
if ARGV[2] ~= '' then redis.call('HSET', KEYS[2], ARGV[2], ARGV[1]) end
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return {1}
`);

// KEYS: record, appr-pending, appr-done. ARGV: id, resolvedAtMs, patch…. The first decision wins:
// nil when the record is not pending (or gone), else the record after the change.
const settle = new LuaScript(`${APPLY_PATCH_LUA}
if redis.call('HGET', KEYS[1], 'status') ~= '${PENDING}' then return false end
apply_patch(KEYS[1], 3)
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('ZADD', KEYS[3], ARGV[2], ARGV[1])
return redis.call('HGETALL', KEYS[1])
`);

// KEYS: appr-pending, appr-done, appr-key. ARGV: record key base, cutoff. Same rule as SQLite's prune.
const prune = new LuaScript(`
local n = 0
local function forget(id)
  local k = ARGV[1] .. id
  local key = redis.call('HGET', k, 'key')
  if key then
    local asked = cjson.decode(key)
    if redis.call('HGET', KEYS[3], asked) == id then redis.call('HDEL', KEYS[3], asked) end
  end
  n = n + redis.call('DEL', k)
end
for _, id in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[2])) do
  forget(id)
  redis.call('ZREM', KEYS[2], id)
end
for _, id in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local e = redis.call('HGET', ARGV[1] .. id, 'expiresAtMs')
  if not e then
    redis.call('ZREM', KEYS[1], id)
  elseif tonumber(e) < tonumber(ARGV[2]) then
    forget(id)
    redis.call('ZREM', KEYS[1], id)
  end
end
return n
`);

export function redisApprovals({ client, key }: RedisContext): ApprovalRepo {
  const get = async (id: string) => fromHash<ApprovalRecord>(await client.hgetall(key('appr', id)));
  return {
    async create(record) {
      const reply = (await create.run(
        client,
        [key('appr', record.id), key('appr-key'), key('appr-pending')],
        [record.id, record.key ?? '', key('appr', ''), record.createdAtMs, ...toFields(record)],
      )) as [number, unknown?];
      if (reply[0] === 0) return { record: fromFlat<ApprovalRecord>(reply[1])!, created: false };
      if (reply[0] === -1) throw new RedisStoreError('DUPLICATE_ID', `approval ${record.id} exists`);
      return { record: structuredClone(record), created: true };
    },
    get,
    async findByKey(asked) {
      const id = await client.hget(key('appr-key'), asked);
      return id === null ? undefined : get(id);
    },
    async listPending() {
      const ids = await client.zrange(key('appr-pending'), 0, -1);
      const records = await readRecords<ApprovalRecord>(
        client,
        ids.map((id) => key('appr', id)),
      );
      return records
        .filter((a) => a.status === 'pending')
        .sort((a, b) => a.createdAtMs - b.createdAtMs || compareStrings(a.id, b.id));
    },
    async settle(id, outcome) {
      const flat = await settle.run(
        client,
        [key('appr', id), key('appr-pending'), key('appr-done')],
        [id, outcome.resolvedAtMs, ...patchArgs(outcome)],
      );
      return fromFlat<ApprovalRecord>(flat);
    },
    async prune(beforeMs) {
      return Number(
        await prune.run(
          client,
          [key('appr-pending'), key('appr-done'), key('appr-key')],
          [key('appr', ''), beforeMs],
        ),
      );
    },
  };
}
