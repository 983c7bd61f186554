import {
  keyAgentBucket,
  type SessionMessageRecord,
  type SessionRecord,
  type SessionRepo,
} from '@openclaw/gateway-core';
import { LuaScript } from './lua-script.ts';
import { fromFlat, fromHash, toFields } from './record-codec.ts';
import { type RedisContext, readRecords } from './redis-context.ts';
import { dropFinishedRuns } from './redis-runs.ts';
import { readSessionCounts, sessionCountsKey } from './redis-session-counts.ts';
import { RedisStoreError } from './redis-store-error.ts';

// Keys: sess:<key> (hash), sessions (sorted set: session key → updatedAtMs), sess-seq:<key>
// (counter), sess-bytes:<key> (counter), msgs:<key> (sorted set by seq), sess-agents (hash: see
// redis-session-counts.ts). A message member is `<seq>:<ts>:<json without seq>`:
// the seq makes equal messages distinct members, the ts lets the prune script read it without JSON.

// KEYS: session, index, counts per key agent. ARGV: session key, createdAtMs, key agent, the
// encoded chat kind ('' = none), fields…. An existing session takes the chat kind given.
// Returns the stored session.
const ensure = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], unpack(ARGV, 5))
  redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
  redis.call('HINCRBY', KEYS[3], ARGV[3], 1)
elseif ARGV[4] ~= '' then
  redis.call('HSET', KEYS[1], 'chatKind', ARGV[4])
end
return redis.call('HGETALL', KEYS[1])
`);

// KEYS: session, messages, seq counter, stored bytes, index, counts per key agent. ARGV: session
// key, key agent. Returns 1 when the session existed.
const remove = new LuaScript(`
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
redis.call('ZREM', KEYS[5], ARGV[1])
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
if redis.call('HINCRBY', KEYS[6], ARGV[2], -1) <= 0 then redis.call('HDEL', KEYS[6], ARGV[2]) end
return 1
`);

// KEYS: session, seq counter, messages, index, stored bytes. ARGV: session key, ts, message JSON,
// max messages, max bytes ('' = no bounds). Returns {seq, run ids of dropped messages…}, or nil when
// the session does not exist. The counter only grows, so a seq is never handed out twice in a
// session, even after retention emptied it. A message's stored size is its member's length.
const append = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
local seq = redis.call('INCR', KEYS[2])
local member = string.format('%d', seq) .. ':' .. ARGV[2] .. ':' .. ARGV[3]
redis.call('ZADD', KEYS[3], seq, member)
local bytes = redis.call('INCRBY', KEYS[5], #member)
local count = redis.call('ZCARD', KEYS[3])
local out = {seq}
local maxm, maxb = tonumber(ARGV[4]), tonumber(ARGV[5])
if maxm and maxb then
  while count > 1 and (count > maxm or bytes > maxb) do
    local old = redis.call('ZRANGE', KEYS[3], 0, 0)[1]
    redis.call('ZREMRANGEBYRANK', KEYS[3], 0, 0)
    count = count - 1
    bytes = redis.call('INCRBY', KEYS[5], -#old)
    local a = string.find(old, ':', 1, true)
    local b = string.find(old, ':', a + 1, true)
    local ok, m = pcall(cjson.decode, string.sub(old, b + 1))
    if ok and type(m) == 'table' and type(m.runId) == 'string' then out[#out + 1] = m.runId end
  end
  if bytes < 0 then redis.call('SET', KEYS[5], 0) end
end
redis.call('HSET', KEYS[1], 'messageCount', count)
local updated = tonumber(redis.call('HGET', KEYS[1], 'updatedAtMs'))
if not updated or tonumber(ARGV[2]) > updated then
  redis.call('HSET', KEYS[1], 'updatedAtMs', ARGV[2])
  redis.call('ZADD', KEYS[4], ARGV[2], ARGV[1])
end
return out
`);

// KEYS: messages, session, stored bytes. ARGV: cutoff, max per session. Keeps the newest max
// messages with ts >= cutoff (the memory store's rule), walking from the newest so the cost is
// about max + removed.
const prune = new LuaScript(`
local before, max = tonumber(ARGV[1]), tonumber(ARGV[2])
local card = redis.call('ZCARD', KEYS[1])
local kept, pos, doomed = 0, 0, {}
while kept < max and pos < card do
  local chunk = redis.call('ZREVRANGE', KEYS[1], pos, pos + 255)
  for _, m in ipairs(chunk) do
    local ts = tonumber(string.match(m, '^[^:]*:([^:]*):'))
    if kept < max and ts and ts >= before then kept = kept + 1 else doomed[#doomed + 1] = m end
  end
  pos = pos + #chunk
end
local freed = 0
if card > pos then
  for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, card - pos - 1)) do freed = freed + #m end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, card - pos - 1)
end
for _, m in ipairs(doomed) do freed = freed + #m end
for i = 1, #doomed, 500 do redis.call('ZREM', KEYS[1], unpack(doomed, i, math.min(i + 499, #doomed))) end
local removed = card - pos + #doomed
if removed > 0 and redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('HSET', KEYS[2], 'messageCount', redis.call('ZCARD', KEYS[1]))
end
if freed > 0 and redis.call('DECRBY', KEYS[3], freed) < 0 then redis.call('SET', KEYS[3], 0) end
return removed
`);

// KEYS: messages. ARGV: old member, new member, seq. Swaps a member only if it is still the old
// one (compare and set): a concurrent change makes the caller read and try again.
const swap = new LuaScript(`
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[2])
return 1
`);

// KEYS: messages, session. ARGV: keep. Keeps the newest `keep` messages; the count follows.
const trim = new LuaScript(`
local card = redis.call('ZCARD', KEYS[1])
local keep = tonumber(ARGV[1])
local removed = 0
if card > keep then
  removed = card - keep
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, removed - 1)
end
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('HSET', KEYS[2], 'messageCount', card - removed) end
return removed
`);

// KEYS: session. ARGV: title (absent: clear). Returns the session, or nil when it does not exist.
const setTitle = new LuaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[1] then redis.call('HSET', KEYS[1], 'title', ARGV[1]) else redis.call('HDEL', KEYS[1], 'title') end
return redis.call('HGETALL', KEYS[1])
`);

function toMessage(member: string): SessionMessageRecord {
  const a = member.indexOf(':');
  const b = member.indexOf(':', a + 1);
  return {
    ...(JSON.parse(member.slice(b + 1)) as Omit<SessionMessageRecord, 'seq'>),
    seq: Number(member.slice(0, a)),
  };
}

export function redisSessions(ctx: RedisContext): SessionRepo {
  const { client, key } = ctx;
  return {
    async get(k) {
      return fromHash<SessionRecord>(await client.hgetall(key('sess', k)));
    },
    async ensure(record) {
      const fields = toFields({ ...record, updatedAtMs: record.createdAtMs, messageCount: 0 });
      const flat = await ensure.run(
        client,
        [key('sess', record.key), key('sessions'), sessionCountsKey(ctx)],
        [
          record.key,
          record.createdAtMs,
          keyAgentBucket(record.key),
          record.chatKind ? JSON.stringify(record.chatKind) : '',
          ...fields,
        ],
      );
      return fromFlat<SessionRecord>(flat)!;
    },
    async list({ limit, offset, search }) {
      const index = key('sessions');
      if (!search) {
        const total = await client.zcard(index);
        if (limit <= 0) return { sessions: [], total };
        const keys = await client.zrevrange(index, offset, offset + limit - 1);
        return {
          sessions: await readRecords<SessionRecord>(
            client,
            keys.map((k) => key('sess', k)),
          ),
          total,
        };
      }
      // Search reads every session: fine for the few thousand a gateway keeps. Case-insensitive,
      // like SQLite's LIKE (the default store).
      const needle = search.toLowerCase();
      const keys = await client.zrevrange(index, 0, -1);
      const hits = (
        await readRecords<SessionRecord>(
          client,
          keys.map((k) => key('sess', k)),
        )
      ).filter((s) => s.key.toLowerCase().includes(needle) || (s.title ?? '').toLowerCase().includes(needle));
      return { sessions: limit <= 0 ? [] : hits.slice(offset, offset + limit), total: hits.length };
    },
    async append(message, bounds) {
      const k = message.sessionKey;
      const { seq: _ignored, ...body } = message as SessionMessageRecord;
      const reply = (await append.run(
        client,
        [key('sess', k), key('sess-seq', k), key('msgs', k), key('sessions'), key('sess-bytes', k)],
        [
          k,
          JSON.stringify(message.ts),
          JSON.stringify(body),
          bounds?.maxMessages ?? '',
          bounds?.maxBytes ?? '',
        ],
      )) as [number, ...string[]] | null;
      if (reply === null) throw new RedisStoreError('SESSION_UNKNOWN', `unknown session ${k}`);
      const [seq, ...dropped] = reply;
      // The runs those messages belonged to go too; a separate script, since they live under run keys.
      await dropFinishedRuns(ctx, dropped);
      return { ...structuredClone(body), seq: Number(seq) };
    },
    async history(k, { limit, beforeSeq }) {
      if (limit <= 0) return [];
      const max = beforeSeq === undefined ? '+inf' : `(${beforeSeq}`;
      const members = await client.zrevrangebyscore(key('msgs', k), max, '-inf', 'LIMIT', 0, limit);
      return members.reverse().map(toMessage);
    },
    async updateMessage(k, id, patch) {
      for (let attempt = 0; attempt < 5; attempt++) {
        // A message is found by reading the session's list: updates are rare (edits, reactions).
        const members = await client.zrange(key('msgs', k), 0, -1);
        const member = members.find((m) => toMessage(m).id === id);
        if (!member) return undefined;
        const { seq, ...body } = { ...toMessage(member), ...patch };
        const next = `${seq}:${JSON.stringify(body.ts)}:${JSON.stringify(body)}`;
        if (Number(await swap.run(client, [key('msgs', k)], [member, next, seq])) === 1)
          return { ...body, seq };
      }
      throw new RedisStoreError('STORE_CONFLICT', `message ${id} kept changing while being updated`);
    },
    async setTitle(k, title) {
      const flat = await setTitle.run(
        client,
        [key('sess', k)],
        title === undefined ? [] : [JSON.stringify(title)],
      );
      return flat ? fromFlat<SessionRecord>(flat) : undefined;
    },
    async trim(k, keep) {
      return Number(await trim.run(client, [key('msgs', k), key('sess', k)], [Math.max(0, keep)]));
    },
    async remove(k) {
      const removed = await remove.run(
        client,
        [
          key('sess', k),
          key('msgs', k),
          key('sess-seq', k),
          key('sess-bytes', k),
          key('sessions'),
          sessionCountsKey(ctx),
        ],
        [k, keyAgentBucket(k)],
      );
      return Number(removed) === 1;
    },
    counts: () => readSessionCounts(ctx),
    async prune(beforeMs, maxPerSession) {
      const keys = await client.zrange(key('sessions'), 0, -1);
      // One script per session: each is atomic, and together they go out as one pipeline.
      const removed = await Promise.all(
        keys.map((k) =>
          prune.run(
            client,
            [key('msgs', k), key('sess', k), key('sess-bytes', k)],
            [beforeMs, maxPerSession],
          ),
        ),
      );
      return removed.reduce<number>((n, r) => n + Number(r), 0);
    },
  };
}
