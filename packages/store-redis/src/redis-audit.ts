import type { AuditEntryRecord, AuditRepo } from '@openclaw/gateway-core';
import { LuaScript } from './lua-script.ts';
import type { RedisContext } from './redis-context.ts';

// Keys: audit-seq (counter) and audit (hash: id → entry JSON). Ids come from INCR in the same
// script that stores the entry, so ids are dense and an entry is visible as soon as its id is:
// a reader paging with afterId never skips one that was still being written.
const append = new LuaScript(`
local id = redis.call('INCR', KEYS[1])
redis.call('HSET', KEYS[2], id, ARGV[1])
return id
`);

/** Ids read per round trip while filtering by action. */
const SCAN_BATCH = 256;

export function redisAudit({ client, key }: RedisContext): AuditRepo {
  return {
    async append(entry) {
      return Number(await append.run(client, [key('audit-seq'), key('audit')], [JSON.stringify(entry)]));
    },
    async list({ afterId, limit, action, newest }) {
      const out: AuditEntryRecord[] = [];
      if (limit <= 0) return out;
      const prefix = action?.endsWith('*') ? action.slice(0, -1) : undefined;
      const matches = (a: string) =>
        action === undefined || (prefix !== undefined ? a.startsWith(prefix) : a === action);
      const last = Number((await client.get(key('audit-seq'))) ?? 0);
      const first = Math.max(0, Math.floor(afterId ?? 0)) + 1;
      const batch = action === undefined ? limit : SCAN_BATCH;
      // Oldest first from afterId, or (newest) backwards from the last id; ids are dense.
      const step = newest ? -1 : 1;
      let next = newest ? last : first;
      const inRange = (id: number) => id >= first && id <= last;
      while (inRange(next) && out.length < limit) {
        const ids: number[] = [];
        for (let id = next; inRange(id) && ids.length < batch; id += step) ids.push(id);
        next += step * ids.length;
        const rows = await client.hmget(key('audit'), ...ids.map(String));
        rows.forEach((json, i) => {
          if (json === null || out.length >= limit) return;
          const entry = JSON.parse(json) as Omit<AuditEntryRecord, 'id'>;
          if (matches(entry.action)) out.push({ ...entry, id: ids[i]! });
        });
      }
      return newest ? out.reverse() : out;
    },
  };
}
