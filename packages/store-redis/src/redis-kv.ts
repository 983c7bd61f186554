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
  };
}
