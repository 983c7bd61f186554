import type { ChannelAccessRepo, ChannelPairingRecord } from '@openclaw/gateway-core';
import { patchRecord } from './lua-script.ts';
import { compareStrings } from './order.ts';
import { fromFlat, fromHash, patchArgs, toFields } from './record-codec.ts';
import { type RedisContext, readRecords, replaceRecord } from './redis-context.ts';

// Keys: chreq:<channel>:<account>:<code> (hash) and chreqs (set of those keys); allow:<channel>:<account>
// (sorted set: sender → time added); inbound (sorted set: message key → time first seen).

const PENDING = JSON.stringify('pending');

export function redisChannelAccess(ctx: RedisContext): ChannelAccessRepo {
  const { client, key } = ctx;
  const reqKey = (channel: string, accountId: string, code: string) => key('chreq', channel, accountId, code);
  const live = (r: ChannelPairingRecord, nowMs: number) => r.status === 'pending' && r.expiresAtMs > nowMs;
  const all = async () => readRecords<ChannelPairingRecord>(client, await client.smembers(key('chreqs')));
  return {
    async findPendingBySender(channel, accountId, senderId, nowMs) {
      const mine = (await all()).filter(
        (r) =>
          r.channel === channel && r.accountId === accountId && r.senderId === senderId && live(r, nowMs),
      );
      return mine.sort((a, b) => b.createdAtMs - a.createdAtMs)[0];
    },
    async getPending(channel, accountId, code, nowMs) {
      const r = fromHash<ChannelPairingRecord>(await client.hgetall(reqKey(channel, accountId, code)));
      return r && live(r, nowMs) ? r : undefined;
    },
    async listPending(nowMs, filter) {
      return (
        (await all())
          .filter(
            (r) =>
              live(r, nowMs) &&
              (!filter?.channel || r.channel === filter.channel) &&
              (!filter?.accountId || r.accountId === filter.accountId),
          )
          // Ties broken by key, so the same state always lists the same way (set members come unordered).
          .sort(
            (a, b) =>
              a.createdAtMs - b.createdAtMs ||
              compareStrings(reqKey(a.channel, a.accountId, a.code), reqKey(b.channel, b.accountId, b.code)),
          )
      );
    },
    async putRequest(record) {
      const k = reqKey(record.channel, record.accountId, record.code);
      await replaceRecord(ctx, k, toFields(record), { set: key('chreqs'), member: k });
    },
    async resolveRequest(channel, accountId, code, status) {
      const flat = await patchRecord.run(
        client,
        [reqKey(channel, accountId, code)],
        ['status', PENDING, ...patchArgs({ status })],
      );
      return fromFlat<ChannelPairingRecord>(flat);
    },
    async allowFrom(channel, accountId) {
      return client.zrange(key('allow', channel, accountId), 0, -1);
    },
    async addAllowFrom(channel, accountId, senderId, atMs) {
      // NX: adding again keeps the first time, so the list keeps its order (INSERT OR IGNORE in SQLite).
      await client.zadd(key('allow', channel, accountId), 'NX', atMs, senderId);
    },
    async removeAllowFrom(channel, accountId, senderId) {
      return (await client.zrem(key('allow', channel, accountId), senderId)) > 0;
    },
    async markInboundSeen(k, atMs) {
      // A sorted set rather than SET NX with a TTL: the first-seen time stays with the id, and
      // pruneInbound can delete exactly the entries older than its cutoff and count them.
      return (await client.zadd(key('inbound'), 'NX', atMs, k)) === 1;
    },
    async pruneInbound(beforeMs) {
      return client.zremrangebyscore(key('inbound'), '-inf', `(${beforeMs}`);
    },
  };
}
