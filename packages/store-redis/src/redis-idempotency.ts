import type { IdempotencyRecord, IdempotencyRepo } from '@openclaw/gateway-core';
import { LuaScript } from './lua-script.ts';
import type { RedisContext } from './redis-context.ts';

// Keys: idem:<key> (string: the record's JSON, with a Redis TTL) and idem-exp (sorted set: record
// key → expiresAtMs). Expiry is decided by the caller's clock (nowMs, createdAtMs), as in the other
// stores; the Redis TTL only collects records nobody prunes. It is the record's lifetime plus a
// grace period, so skew between gateway clocks and Redis never drops a record that is still valid.
const TTL_GRACE_MS = 10 * 60_000;

// KEYS: record, expiry index. ARGV: JSON, createdAtMs, expiresAtMs, TTL in ms.
// The first outcome wins; a record expired at the newcomer's createdAtMs no longer counts.
const putIfAbsent = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  local exp = redis.call('ZSCORE', KEYS[2], KEYS[1])
  if not exp or tonumber(exp) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[4])
redis.call('ZADD', KEYS[2], ARGV[3], KEYS[1])
return 1
`);

// KEYS: expiry index. ARGV[1] now. Counts the records it deleted (not those Redis already dropped).
const prune = new LuaScript(`
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
local n = 0
for _, k in ipairs(keys) do n = n + redis.call('DEL', k) end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
return n
`);

export function redisIdempotency({ client, key }: RedisContext): IdempotencyRepo {
  return {
    async get(k, nowMs) {
      const json = await client.get(key('idem', k));
      if (json === null) return undefined;
      const record = JSON.parse(json) as IdempotencyRecord;
      return record.expiresAtMs > nowMs ? record : undefined;
    },
    async putIfAbsent(record) {
      const ttlMs = Math.max(0, Math.ceil(record.expiresAtMs - record.createdAtMs)) + TTL_GRACE_MS;
      const stored = await putIfAbsent.run(
        client,
        [key('idem', record.key), key('idem-exp')],
        [JSON.stringify(record), record.createdAtMs, record.expiresAtMs, ttlMs],
      );
      return stored === 1;
    },
    async prune(nowMs) {
      return Number(await prune.run(client, [key('idem-exp')], [nowMs]));
    },
  };
}
