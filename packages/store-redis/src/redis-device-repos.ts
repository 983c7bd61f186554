import type { DeviceRecord, DeviceRepo, DeviceTokenRecord, DeviceTokenRepo } from '@openclaw/gateway-core';
import { LuaScript, patchRecord } from './lua-script.ts';
import { compareStrings as cmp } from './order.ts';
import { fromHash, patchArgs, toFields } from './record-codec.ts';
import { type RedisContext, readRecords, replaceRecord } from './redis-context.ts';

// Keys: dev:<id> (hash) and devs (set of ids); tok:<device>:<role> (hash), devtoks:<device> (set of
// that device's token keys) and tokhash (hash: token hash → token key).

/** Drops a token key's entry in the hash index, unless a newer token already took that hash. */
const DROP_HASH_INDEX_LUA = `
local function drop_hash_index(index, tokenKey)
  local h = redis.call('HGET', tokenKey, 'tokenHash')
  if h then
    h = cjson.decode(h)
    if redis.call('HGET', index, h) == tokenKey then redis.call('HDEL', index, h) end
  end
end
`;

// KEYS: device, devs, devtoks, tokhash. ARGV[1] device id. Returns 1 when the device existed.
const removeDevice = new LuaScript(`${DROP_HASH_INDEX_LUA}
for _, tokenKey in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  drop_hash_index(KEYS[4], tokenKey)
  redis.call('DEL', tokenKey)
end
redis.call('DEL', KEYS[3])
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('DEL', KEYS[1])
`);

// KEYS: token, devtoks, tokhash. ARGV[1] the new token hash, ARGV[2…] the record's fields.
const putToken = new LuaScript(`${DROP_HASH_INDEX_LUA}
drop_hash_index(KEYS[3], KEYS[1])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SADD', KEYS[2], KEYS[1])
redis.call('HSET', KEYS[3], ARGV[1], KEYS[1])
return 1
`);

// KEYS: token, devtoks, tokhash. Returns 1 when the token existed.
const removeToken = new LuaScript(`${DROP_HASH_INDEX_LUA}
drop_hash_index(KEYS[3], KEYS[1])
redis.call('SREM', KEYS[2], KEYS[1])
return redis.call('DEL', KEYS[1])
`);

export function redisDevices(ctx: RedisContext): DeviceRepo {
  const { client, key } = ctx;
  const deviceKeys = (id: string) => [key('dev', id), key('devs'), key('devtoks', id), key('tokhash')];
  return {
    async get(id) {
      return fromHash<DeviceRecord>(await client.hgetall(key('dev', id)));
    },
    async list() {
      const ids = await client.smembers(key('devs'));
      const all = await readRecords<DeviceRecord>(
        client,
        ids.map((id) => key('dev', id)),
      );
      return all.sort((a, b) => a.createdAtMs - b.createdAtMs || cmp(a.deviceId, b.deviceId));
    },
    async put(record) {
      await replaceRecord(ctx, key('dev', record.deviceId), toFields(record), {
        set: key('devs'),
        member: record.deviceId,
      });
    },
    async remove(id) {
      return (await removeDevice.run(client, deviceKeys(id), [id])) === 1;
    },
    async touch(id, seenAtMs, ip) {
      await patchRecord.run(
        client,
        [key('dev', id)],
        ['', '', ...patchArgs({ lastSeenAtMs: seenAtMs, lastSeenIp: ip })],
      );
    },
  };
}

export function redisDeviceTokens(ctx: RedisContext): DeviceTokenRepo {
  const { client, key } = ctx;
  const tokenKey = (deviceId: string, role: string) => key('tok', deviceId, role);
  const indexKeys = (deviceId: string, role: string) => [
    tokenKey(deviceId, role),
    key('devtoks', deviceId),
    key('tokhash'),
  ];
  return {
    async get(deviceId, role) {
      return fromHash<DeviceTokenRecord>(await client.hgetall(tokenKey(deviceId, role)));
    },
    async findByHash(tokenHash) {
      const k = await client.hget(key('tokhash'), tokenHash);
      if (!k) return undefined;
      const token = fromHash<DeviceTokenRecord>(await client.hgetall(k));
      // The index is updated with the token in one script; checking again costs nothing.
      return token?.tokenHash === tokenHash ? token : undefined;
    },
    async listForDevice(deviceId) {
      const keys = await client.smembers(key('devtoks', deviceId));
      const all = await readRecords<DeviceTokenRecord>(client, keys);
      return all.filter((t) => t.deviceId === deviceId).sort((a, b) => cmp(a.role, b.role));
    },
    async put(record) {
      await putToken.run(client, indexKeys(record.deviceId, record.role), [
        record.tokenHash,
        ...toFields(record),
      ]);
    },
    async remove(deviceId, role) {
      return (await removeToken.run(client, indexKeys(deviceId, role), [])) === 1;
    },
    async touch(deviceId, role, usedAtMs) {
      await patchRecord.run(
        client,
        [tokenKey(deviceId, role)],
        ['', '', ...patchArgs({ lastUsedAtMs: usedAtMs })],
      );
    },
  };
}
