import { randomUUID } from 'node:crypto';
import { COUNTED_KEYS, expectedCounts, plainCounts } from '@openclaw/gateway-core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { createRedisStore } from './redis-store.ts';
import { type RedisServer, startRedisServer } from './testing/index.ts';

const freshPrefix = () => `oc-test:${randomUUID()}:`;

describe('Redis session counts', needs('redis-server'), () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    client = new Redis(server.url);
  });
  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  it('counts sessions stored before counts were kept, by the same key grammar, then follows writes', async () => {
    const prefix = freshPrefix();
    // Sessions as the previous version stored them: the hash and the index, no counts.
    for (const [i, [key]] of COUNTED_KEYS.entries()) {
      await client.hset(`${prefix}sess:${key}`, 'key', JSON.stringify(key), 'kind', '"webchat"');
      await client.zadd(`${prefix}sessions`, i, key);
    }
    expect(await client.exists(`${prefix}sess-agents`)).toBe(0);
    const store = createRedisStore({ client, prefix });
    const keys = COUNTED_KEYS.map(([k]) => k);
    expect(plainCounts(await store.sessions.counts())).toEqual(plainCounts(expectedCounts(keys)));
    // Counted once, then kept: the hash now holds them.
    expect(await client.hget(`${prefix}sess-agents`, 'work')).toBe('2');
    expect(await store.sessions.remove('agent:work:notes')).toBe(true);
    await store.sessions.ensure({ key: 'agent:ops:x', kind: 'webchat', createdAtMs: 2 });
    const after = [...keys.filter((k) => k !== 'agent:work:notes'), 'agent:ops:x'];
    expect(plainCounts(await store.sessions.counts())).toEqual(plainCounts(expectedCounts(after)));
    await store.close();
  });

  it('counts again when a writer that keeps no counts (an older gateway on the same Redis) added a session', async () => {
    const prefix = freshPrefix();
    const store = createRedisStore({ client, prefix });
    await store.sessions.ensure({ key: 'agent:work:a', kind: 'webchat', createdAtMs: 1 });
    expect(plainCounts(await store.sessions.counts())).toEqual({ total: 1, byKeyAgent: { work: 1 } });
    await client.hset(`${prefix}sess:agent:ops:b`, 'key', '"agent:ops:b"', 'kind', '"webchat"');
    await client.zadd(`${prefix}sessions`, 5, 'agent:ops:b');
    expect(plainCounts(await store.sessions.counts())).toEqual({ total: 2, byKeyAgent: { ops: 1, work: 1 } });
    await store.close();
  });

  it('keeps the counts exact under concurrent creates and removes from several gateways', async () => {
    const prefix = freshPrefix();
    const stores = Array.from({ length: 4 }, () => createRedisStore({ url: server.url, prefix }));
    try {
      const keys = Array.from({ length: 40 }, (_, i) => (i % 2 ? `agent:a${i % 3}:s${i}` : `chat:${i}`));
      // Every key ensured by two gateways at once, then every third removed by two at once.
      await Promise.all(
        keys.flatMap((key, i) =>
          [0, 1].map((j) => stores[(i + j) % 4]!.sessions.ensure({ key, kind: 'webchat', createdAtMs: i })),
        ),
      );
      const gone = keys.filter((_, i) => i % 3 === 0);
      const removed = await Promise.all(
        gone.flatMap((key, i) => [0, 1].map((j) => stores[(i + j) % 4]!.sessions.remove(key))),
      );
      expect(removed.filter(Boolean)).toHaveLength(gone.length);
      const left = keys.filter((k) => !gone.includes(k));
      expect(plainCounts(await stores[0]!.sessions.counts())).toEqual(plainCounts(expectedCounts(left)));
      // What the hash holds agrees without a recount: its sum is the index's size.
      const held = Object.values(await client.hgetall(`${prefix}sess-agents`)).reduce(
        (n, v) => n + Number(v),
        0,
      );
      expect(held).toBe(left.length);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });
});
