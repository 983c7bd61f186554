import type {
  NodeApprovalRecord,
  NodePairRequestRecord,
  NodeRepo,
  PairingRepo,
  PairingRequestRecord,
} from '@openclaw/gateway-core';
import { LuaScript, patchRecord } from './lua-script.ts';
import { compareStrings } from './order.ts';
import { fromFlat, fromHash, patchArgs, toFields } from './record-codec.ts';
import { type RedisContext, readRecords, replaceRecord } from './redis-context.ts';

// Keys: pair:<id> (hash) and pairs (set of ids); nodes (hash: node id → approval JSON);
// nodereq:<id> (hash) and nodereqs (set of ids). Pending requests are few, so listing reads them all.

const PENDING = JSON.stringify('pending');

// KEYS[1] the id set. ARGV[1] the record key base, ARGV[2] the cutoff. Same rule as SQLite's prune.
const prunePairing = new LuaScript(`
local before = tonumber(ARGV[2])
local n = 0
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local k = ARGV[1] .. id
  local f = redis.call('HMGET', k, 'status', 'updatedAtMs', 'expiresAtMs')
  if not f[1] then
    redis.call('SREM', KEYS[1], id)
  elseif tonumber(f[2]) < before and (f[1] ~= '${PENDING}' or tonumber(f[3]) <= before) then
    redis.call('DEL', k)
    redis.call('SREM', KEYS[1], id)
    n = n + 1
  end
end
return n
`);

interface Pending {
  requestId: string;
  status: string;
  expiresAtMs: number;
  createdAtMs: number;
}

// Ties broken by id, so the same state always lists the same way (set members come unordered).
const oldestFirst = (a: Pending, b: Pending) =>
  a.createdAtMs - b.createdAtMs || compareStrings(a.requestId, b.requestId);
const isPending = (r: Pending, nowMs: number) => r.status === 'pending' && r.expiresAtMs > nowMs;
/** Several pending requests for one subject: the newest is the one that counts (as in SQLite). */
const newest = <T extends Pending>(list: T[]): T | undefined => list.sort(oldestFirst).at(-1);

export function redisPairing(ctx: RedisContext): PairingRepo {
  const { client, key } = ctx;
  const all = async () =>
    readRecords<PairingRequestRecord>(
      client,
      (await client.smembers(key('pairs'))).map((id) => key('pair', id)),
    );
  return {
    async get(id) {
      return fromHash<PairingRequestRecord>(await client.hgetall(key('pair', id)));
    },
    async listPending(nowMs) {
      return (await all()).filter((r) => isPending(r, nowMs)).sort(oldestFirst);
    },
    async findPending(deviceId, role, nowMs) {
      return newest(
        (await all()).filter((r) => r.deviceId === deviceId && r.role === role && isPending(r, nowMs)),
      );
    },
    async put(record) {
      await replaceRecord(ctx, key('pair', record.requestId), toFields(record), {
        set: key('pairs'),
        member: record.requestId,
      });
    },
    async resolve(id, status, atMs) {
      const flat = await patchRecord.run(
        client,
        [key('pair', id)],
        ['status', PENDING, ...patchArgs({ status, resolvedAtMs: atMs })],
      );
      return fromFlat<PairingRequestRecord>(flat);
    },
    async prune(beforeMs) {
      return Number(await prunePairing.run(client, [key('pairs')], [key('pair', ''), beforeMs]));
    },
  };
}

export function redisNodes(ctx: RedisContext): NodeRepo {
  const { client, key } = ctx;
  const allRequests = async () =>
    readRecords<NodePairRequestRecord>(
      client,
      (await client.smembers(key('nodereqs'))).map((id) => key('nodereq', id)),
    );
  return {
    async get(nodeId) {
      const json = await client.hget(key('nodes'), nodeId);
      return json === null ? undefined : (JSON.parse(json) as NodeApprovalRecord);
    },
    async list() {
      return (await client.hvals(key('nodes')))
        .map((json) => JSON.parse(json) as NodeApprovalRecord)
        .sort((a, b) => compareStrings(a.nodeId, b.nodeId));
    },
    async put(record) {
      await client.hset(key('nodes'), record.nodeId, JSON.stringify(record));
    },
    async remove(nodeId) {
      return (await client.hdel(key('nodes'), nodeId)) > 0;
    },
    async getRequest(id) {
      return fromHash<NodePairRequestRecord>(await client.hgetall(key('nodereq', id)));
    },
    async listPendingRequests(nowMs) {
      return (await allRequests()).filter((r) => isPending(r, nowMs)).sort(oldestFirst);
    },
    async findPendingRequest(nodeId, nowMs) {
      return newest((await allRequests()).filter((r) => r.nodeId === nodeId && isPending(r, nowMs)));
    },
    async putRequest(record) {
      await replaceRecord(ctx, key('nodereq', record.requestId), toFields(record), {
        set: key('nodereqs'),
        member: record.requestId,
      });
    },
    async resolveRequest(id, status, atMs) {
      const flat = await patchRecord.run(
        client,
        [key('nodereq', id)],
        ['status', PENDING, ...patchArgs({ status, resolvedAtMs: atMs })],
      );
      return fromFlat<NodePairRequestRecord>(flat);
    },
  };
}
