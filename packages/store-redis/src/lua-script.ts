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
