import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A Lua script run by its SHA. Redis forgets scripts when it restarts, so on NOSCRIPT the source is
 * sent once more (EVAL also caches it again). The store never registers commands on the client, so
 * a caller's own connection is left as it was.
 */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return client.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

/**
 * Lua: `known_by_key(index, key, base)`: the record an idempotency/dedupe `key` (ARGV-style, '' = none)
 * already names in the `index` hash (key → id), read from `base .. id`; nil when there is none.
 * Creates return `{0, existing}` for it, so asking twice answers the first record.
 */
export const KNOWN_BY_KEY_LUA = `
local function known_by_key(index, key, base)
  if key == '' then return nil end
  local id = redis.call('HGET', index, key)
  if not id then return nil end
  local existing = redis.call('HGETALL', base .. id)
  if #existing > 0 then return existing end
  return nil
end
`;

/**
 * Lua: `apply_patch(key, at)` applies the patch encoded by `patchArgs` starting at ARGV[at]
 * (it must be the last thing in ARGV).
 */
export const APPLY_PATCH_LUA = `
local function apply_patch(key, at)
  local n = tonumber(ARGV[at])
  for i = at + 1, at + n do redis.call('HDEL', key, ARGV[i]) end
  if #ARGV > at + n then redis.call('HSET', key, unpack(ARGV, at + n + 1)) end
end
`;

/**
 * Lua, for the stores that keep finished records in a sorted set by when they finished (outbox,
 * runs): `forget_record(id, key, dedupe, index, dedupeJson)` deletes the record hash, its entry
 * in the dedupe hash when that still points at it, and its entry in `index`.
 * `prune_finished(index, cutoff, base, dedupe, untrack)` does that for every record of `index`
 * that finished before `cutoff` (`base .. id` is its hash), calling `untrack(id, status)` first to
 * take it out of the store's status index. Returns how many.
 */
export const PRUNE_FINISHED_LUA = `
local function forget_record(id, k, dedupe, index, dedupe_json)
  if dedupe_json then
    local dk = cjson.decode(dedupe_json)
    if redis.call('HGET', dedupe, dk) == id then redis.call('HDEL', dedupe, dk) end
  end
  redis.call('DEL', k)
  redis.call('ZREM', index, id)
end
local function prune_finished(index, cutoff, base, dedupe, untrack)
  local ids = redis.call('ZRANGEBYSCORE', index, '-inf', '(' .. cutoff)
  for _, id in ipairs(ids) do
    local k = base .. id
    local f = redis.call('HMGET', k, 'status', 'dedupeKey')
    if f[1] then untrack(id, cjson.decode(f[1])) end
    forget_record(id, k, dedupe, index, f[2])
  end
  return #ids
end
`;

/**
 * Patch a record hash, optionally only while one field holds an expected JSON value (a status
 * still 'pending'). KEYS[1] the record; ARGV[1] guard field ('' = only that it exists), ARGV[2] the
 * guard's JSON, ARGV[3…] the patch. Returns the record after the change, or nil when the guard failed.
 */
export const patchRecord = new LuaScript(`${APPLY_PATCH_LUA}
if redis.call('EXISTS', KEYS[1]) == 0 then return false end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return false end
apply_patch(KEYS[1], 3)
return redis.call('HGETALL', KEYS[1])
`);
