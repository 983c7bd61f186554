import type { KvRepo } from '@openclaw/gateway-core';
import type { RedisContext } from './redis-context.ts';

// Key: kv (hash: name → JSON value).
export function redisKv({ client, key }: RedisContext): KvRepo {
  return {
    async get<T>(name: string) {
      const json = await client.hget(key('kv'), name);
      return json === null ? undefined : (JSON.parse(json) as T);
    },
    async set(name, value) {
      // JSON has no undefined; storing it would read back as undefined anyway, so it is a delete.
      if (value === undefined) await client.hdel(key('kv'), name);
      else await client.hset(key('kv'), name, JSON.stringify(value));
    },
    async delete(name) {
      return (await client.hdel(key('kv'), name)) > 0;
    },
    async entries<T>(prefix: string) {
      // HSCAN may return a field twice; the map keeps it once.
      const found = new Map<string, T>();
      const match = `${escapeGlob(prefix)}*`;
      let cursor = '0';
      do {
        const [next, flat] = await client.hscan(key('kv'), cursor, 'MATCH', match, 'COUNT', 200);
        cursor = next;
        for (let i = 0; i + 1 < flat.length; i += 2)
          if (flat[i]!.startsWith(prefix)) found.set(flat[i]!, JSON.parse(flat[i + 1]!) as T);
      } while (cursor !== '0');
      return [...found];
    },
  };
}

/** The prefix as a literal in a Redis glob: `*`, `?`, `[`, `]` and backslash lose their meaning. */
function escapeGlob(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}
