import type { LeaseRecord, LeaseRepo } from '@openclaw/gateway-core';
import { LuaScript } from './lua-script.ts';
import { fromFlat, fromHash } from './record-codec.ts';
import type { RedisContext } from './redis-context.ts';

// Key: lease:<name> (hash). The hash is never deleted: a released lease keeps its token, so the
// next holder's token is higher than any token handed out before (fencing).

const FREE = JSON.stringify('');

// KEYS[1] the lease. ARGV: holder JSON, now, expiresAtMs, name JSON (numbers as JSON too).
// Returns {acquired 0/1, the lease after the call}.
const acquire = new LuaScript(`
local cur = redis.call('HMGET', KEYS[1], 'holder', 'token', 'expiresAtMs')
local held = cur[1] and cur[1] ~= '${FREE}'
if held and cur[1] ~= ARGV[1] and tonumber(cur[3]) > tonumber(ARGV[2]) then
  return {0, redis.call('HGETALL', KEYS[1])}
end
if cur[1] == ARGV[1] then
  redis.call('HSET', KEYS[1], 'expiresAtMs', ARGV[3])
else
  local token = (tonumber(cur[2]) or 0) + 1
  redis.call('HSET', KEYS[1], 'name', ARGV[4], 'holder', ARGV[1], 'token', token,
    'acquiredAtMs', ARGV[2], 'expiresAtMs', ARGV[3])
end
return {1, redis.call('HGETALL', KEYS[1])}
`);

// KEYS[1] the lease. ARGV[1] holder JSON. Returns 1 when that holder had it.
const release = new LuaScript(`
if redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'holder', '${FREE}', 'expiresAtMs', '0')
return 1
`);

export function redisLeases({ client, key }: RedisContext): LeaseRepo {
  return {
    async acquire(name, holder, ttlMs, nowMs) {
      const [acquired, flat] = (await acquire.run(
        client,
        [key('lease', name)],
        [JSON.stringify(holder), JSON.stringify(nowMs), JSON.stringify(nowMs + ttlMs), JSON.stringify(name)],
      )) as [number, unknown];
      return { acquired: acquired === 1, lease: fromFlat<LeaseRecord>(flat)! };
    },
    async release(name, holder) {
      return (await release.run(client, [key('lease', name)], [JSON.stringify(holder)])) === 1;
    },
    async get(name) {
      const lease = fromHash<LeaseRecord>(await client.hgetall(key('lease', name)));
      return lease?.holder ? lease : undefined;
    },
  };
}
