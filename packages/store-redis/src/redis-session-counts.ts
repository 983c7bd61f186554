import { NO_KEY_AGENT, type SessionCounts } from '@openclaw/gateway-core';
import { LuaScript } from './lua-script.ts';
import type { RedisContext } from './redis-context.ts';

// Sessions per key agent: the hash `sess-agents` (key agent → sessions), changed by the ensure and
// remove scripts in the same script as the session itself. '' counts keys that name no agent.

/**
 * Lua: `key_agent(key)`: agentIdInKey's grammar (`agent:<id>:<rest>`, id `[a-z0-9][a-z0-9_-]{0,63}`,
 * rest not empty and, like a JavaScript `.`, without line terminators), '' for keys naming none.
 * Only the rebuild below uses it: writers pass the bucket computed by agentIdInKey itself.
 */
const KEY_AGENT_LUA = `
local function key_agent(k)
  local id, rest = string.match(k, '^agent:([a-z0-9][a-z0-9_%-]*):(.+)$')
  if not id or #id > 64 or string.find(rest, '[\\r\\n]')
    or string.find(rest, '\\226\\128\\168', 1, true) or string.find(rest, '\\226\\128\\169', 1, true) then
    return '${NO_KEY_AGENT}'
  end
  return id
end
`;

// KEYS: session index, counts. Returns {total, agent, n, agent, n, …}. The counts must add up to
// the index's size; when they do not (a store written before they were kept, or by an older
// gateway sharing it), they are counted again from the index in this script, atomically.
const read = new LuaScript(`${KEY_AGENT_LUA}
local total = redis.call('ZCARD', KEYS[1])
local flat = redis.call('HGETALL', KEYS[2])
local sum = 0
for i = 2, #flat, 2 do sum = sum + tonumber(flat[i]) end
if sum ~= total then
  redis.call('DEL', KEYS[2])
  local counts = {}
  for pos = 0, total - 1, 1000 do
    for _, k in ipairs(redis.call('ZRANGE', KEYS[1], pos, pos + 999)) do
      local a = key_agent(k)
      counts[a] = (counts[a] or 0) + 1
    end
  end
  flat = {}
  for a, n in pairs(counts) do
    flat[#flat + 1] = a
    flat[#flat + 1] = n
  end
  if #flat > 0 then redis.call('HSET', KEYS[2], unpack(flat)) end
end
local out = {total}
for i = 1, #flat do out[#out + 1] = flat[i] end
return out
`);

/** The counts key of a context (the ensure and remove scripts change it). */
export const sessionCountsKey = (ctx: RedisContext): string => ctx.key('sess-agents');

export async function readSessionCounts(ctx: RedisContext): Promise<SessionCounts> {
  const reply = (await read.run(ctx.client, [ctx.key('sessions'), sessionCountsKey(ctx)], [])) as (
    | number
    | string
  )[];
  const byKeyAgent = new Map<string, number>();
  for (let i = 1; i + 1 < reply.length; i += 2) byKeyAgent.set(String(reply[i]), Number(reply[i + 1]));
  return { total: Number(reply[0]), byKeyAgent };
}
