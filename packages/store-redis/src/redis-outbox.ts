import type { OutboxRecord, OutboxRepo, OutboxStatus } from '@openclaw/gateway-core';
import { APPLY_PATCH_LUA, KNOWN_BY_KEY_LUA, LuaScript, PRUNE_FINISHED_LUA } from './lua-script.ts';
import { fromFlat, fromHash, patchArgs, toFields } from './record-codec.ts';
import { type RedisContext, readRecords } from './redis-context.ts';
import { RedisStoreError } from './redis-store-error.ts';

// Keys: ob:<id> (hash), ob-seq (counter), ob-dedupe (hash: dedupe key → id), ob-pending (sorted set:
// queued and sending ids by seq), ob-done (sorted set: delivered and failed ids by updatedAtMs),
// ob-counts (hash: status → count). The scripts keep the indexes in step with every record change.
// KEYS for every script: record, ob-pending, ob-done, ob-counts, ob-dedupe, ob-seq.

const REINDEX_LUA = `
local function reindex(id, old, new, seq, updated)
  if old then redis.call('HINCRBY', KEYS[4], old, -1) end
  redis.call('HINCRBY', KEYS[4], new, 1)
  if new == 'queued' or new == 'sending' then
    redis.call('ZADD', KEYS[2], seq, id)
    redis.call('ZREM', KEYS[3], id)
  else
    redis.call('ZREM', KEYS[2], id)
    redis.call('ZADD', KEYS[3], updated or 0, id)
  end
end
`;

// ARGV: id, dedupe key ('' = none), record key base, status, updatedAtMs, fields….
// Returns {0, existing record} for a known dedupe key, {-1} for a taken id, or {1, seq}.
const enqueue = new LuaScript(`${REINDEX_LUA}${KNOWN_BY_KEY_LUA}
local known = known_by_key(KEYS[5], ARGV[2], ARGV[3])
if known then return {0, known} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {-1} end
local seq = redis.call('INCR', KEYS[6])
redis.call('HSET', KEYS[1], unpack(ARGV, 6))
-- After the fields, so a stray seq in the input cannot override the store's.
redis.call('HSET', KEYS[1], 'seq', seq)
if ARGV[2] ~= '' then redis.call('HSET', KEYS[5], ARGV[2], ARGV[1]) end
reindex(ARGV[1], nil, ARGV[4], seq, ARGV[5])
return {1, seq}
`);

// ARGV: id, patch…. Returns 0 for an unknown id.
const update = new LuaScript(`${REINDEX_LUA}${APPLY_PATCH_LUA}
local old = redis.call('HGET', KEYS[1], 'status')
if not old then return 0 end
apply_patch(KEYS[1], 2)
local f = redis.call('HMGET', KEYS[1], 'status', 'seq', 'updatedAtMs')
reindex(ARGV[1], cjson.decode(old), cjson.decode(f[1] or old), f[2], f[3])
return 1
`);

// ARGV: record key base, cutoff. Deletes finished records last updated before the cutoff.
const prune = new LuaScript(`${PRUNE_FINISHED_LUA}
return prune_finished(KEYS[3], ARGV[2], ARGV[1], KEYS[5], function(_, status)
  redis.call('HINCRBY', KEYS[4], status, -1)
end)
`);

export function redisOutbox({ client, key }: RedisContext): OutboxRepo {
  const keys = (id: string) => [
    key('ob', id),
    key('ob-pending'),
    key('ob-done'),
    key('ob-counts'),
    key('ob-dedupe'),
    key('ob-seq'),
  ];
  return {
    async enqueue(record) {
      const reply = (await enqueue.run(client, keys(record.id), [
        record.id,
        record.dedupeKey ?? '',
        key('ob', ''),
        record.status,
        record.updatedAtMs,
        ...toFields(record),
      ])) as [number, unknown];
      if (reply[0] === 0) return { record: fromFlat<OutboxRecord>(reply[1])!, created: false };
      if (reply[0] === -1) throw new RedisStoreError('DUPLICATE_ID', `outbox record ${record.id} exists`);
      return { record: { ...structuredClone(record), seq: Number(reply[1]) }, created: true };
    },
    async get(id) {
      return fromHash<OutboxRecord>(await client.hgetall(key('ob', id)));
    },
    async pending() {
      const ids = await client.zrange(key('ob-pending'), 0, -1);
      const records = await readRecords<OutboxRecord>(
        client,
        ids.map((id) => key('ob', id)),
      );
      // A record can change between the two reads; keep the answer true to its name.
      return records.filter((r) => r.status === 'queued' || r.status === 'sending');
    },
    async update(id, patch) {
      await update.run(client, keys(id), [id, ...patchArgs(patch)]);
    },
    async counts() {
      const h = await client.hgetall(key('ob-counts'));
      const n = (s: OutboxStatus) => Number(h[s] ?? 0);
      return { queued: n('queued'), sending: n('sending'), delivered: n('delivered'), failed: n('failed') };
    },
    async prune(beforeMs) {
      return Number(await prune.run(client, keys(''), [key('ob', ''), beforeMs]));
    },
  };
}
