import { randomUUID } from 'node:crypto';
import type { OutboxRecord } from '@openclaw/gateway-core';
import { describeStoreContract, queuedOutboxRecord } from '@openclaw/gateway-core/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { createRedisStore } from './redis-store.ts';
import { type RedisServer, startRedisServer } from './testing/index.ts';

// One server per file; every store gets its own prefix, so tests never see each other's keys.
const freshPrefix = () => `oc-test:${randomUUID()}:`;

const outboxRecord = (id: string, dedupeKey?: string): Omit<OutboxRecord, 'seq'> =>
  queuedOutboxRecord({ id, dedupeKey });

describe('Redis store', needs('redis-server'), () => {
  let server: RedisServer;
  let client: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    // A connection the tests own, shared by the stores below that do not need their own.
    client = new Redis(server.url);
    // The restart test below drops this connection too; ioredis reconnects by itself, and without
    // a listener it would print each refused reconnect as an "Unhandled error event".
    client.on('error', () => {});
  });
  afterAll(async () => {
    await client?.quit();
    await server?.stop();
  });

  describeStoreContract('redis', async () => ({
    store: createRedisStore({ url: server.url, prefix: freshPrefix() }),
    cleanup: async () => {},
  }));

  it('lets two stores on one server and prefix see each other’s writes', async () => {
    const prefix = freshPrefix();
    const a = createRedisStore({ url: server.url, prefix });
    const b = createRedisStore({ url: server.url, prefix });
    try {
      await a.devices.put({
        deviceId: 'd1',
        publicKey: 'pk',
        roles: ['operator'],
        scopes: [],
        createdAtMs: 1,
        approvedAtMs: 1,
      });
      expect((await b.devices.get('d1'))?.publicKey).toBe('pk');
      expect((await a.leases.acquire('l', 'gw-a', 1000, 0)).acquired).toBe(true);
      expect(await b.leases.acquire('l', 'gw-b', 1000, 10)).toMatchObject({
        acquired: false,
        lease: { holder: 'gw-a', token: 1 },
      });
      await b.sessions.ensure({ key: 's', kind: 'webchat', createdAtMs: 1 });
      await a.sessions.append({ sessionKey: 's', id: 'm1', role: 'user', text: 'hi', ts: 2 });
      expect(
        (await b.sessions.append({ sessionKey: 's', id: 'm2', role: 'user', text: 'yo', ts: 3 })).seq,
      ).toBe(2);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('keeps every key under its prefix, apart from other prefixes', async () => {
    const prefix = freshPrefix();
    const store = createRedisStore({ client, prefix });
    const other = createRedisStore({ client, prefix: freshPrefix() });
    await store.kv.set('x', 1);
    await store.audit.append({ ts: 1, action: 'a' });
    await store.outbox.enqueue(outboxRecord('o1', 'k'));
    await store.channelAccess.markInboundSeen('m', 1);
    expect(await other.kv.get('x')).toBeUndefined();
    expect(await other.outbox.pending()).toEqual([]);
    const keys = await client.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(4);
    const all = await client.keys('*');
    expect(all.filter((k) => !k.startsWith('oc-test:'))).toEqual([]);
  });

  it('gives a contested lease to exactly one of 50 concurrent holders', async () => {
    const prefix = freshPrefix();
    // Several connections, so the attempts really race on the server.
    const stores = Array.from({ length: 5 }, () => createRedisStore({ url: server.url, prefix }));
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) => stores[i % 5]!.leases.acquire('leader', `gw-${i}`, 10_000, 100)),
      );
      const winners = results.filter((r) => r.acquired);
      expect(winners).toHaveLength(1);
      const holder = winners[0]!.lease.holder;
      for (const r of results) expect(r.lease).toMatchObject({ holder, token: 1 });
      expect(await stores[0]!.leases.get('leader')).toMatchObject({ holder, token: 1 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('keeps exactly one first outcome under concurrent putIfAbsent', async () => {
    const prefix = freshPrefix();
    const stores = Array.from({ length: 5 }, () => createRedisStore({ url: server.url, prefix }));
    try {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          stores[i % 5]!.idempotency.putIfAbsent({
            key: 'caller|send|k1',
            method: 'send',
            ok: true,
            response: JSON.stringify(i),
            createdAtMs: 100,
            expiresAtMs: 60_000,
          }),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      const winner = results.indexOf(true);
      expect((await stores[0]!.idempotency.get('caller|send|k1', 200))?.response).toBe(
        JSON.stringify(winner),
      );
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('lets Redis drop an outcome only after its lifetime and a 10-minute grace, never before it expires', async () => {
    const prefix = freshPrefix();
    const store = createRedisStore({ url: server.url, prefix });
    try {
      const hour = 3_600_000;
      await store.idempotency.putIfAbsent({
        key: 'caller|send|k1',
        method: 'send',
        ok: true,
        response: '"x"',
        createdAtMs: 1000,
        expiresAtMs: 1000 + hour,
      });
      // Redis's own expiry of the key: the clock of the gateways decides validity, this only collects.
      const ttl = await client.pttl(`${prefix}idem:caller|send|k1`);
      expect(ttl).toBeGreaterThan(hour + 10 * 60_000 - 60_000);
      expect(ttl).toBeLessThanOrEqual(hour + 10 * 60_000);
    } finally {
      await store.close();
    }
  });

  it('creates one outbox record (and one run) for concurrent enqueues with the same dedupe key', async () => {
    const prefix = freshPrefix();
    const stores = Array.from({ length: 5 }, () => createRedisStore({ url: server.url, prefix }));
    try {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % 5]!.outbox.enqueue(outboxRecord(`o${i}`, 'caller|k')),
        ),
      );
      const created = results.filter((r) => r.created);
      expect(created).toHaveLength(1);
      for (const r of results) expect(r.record).toMatchObject({ id: created[0]!.record.id, seq: 1 });
      expect((await stores[0]!.outbox.pending()).map((r) => r.id)).toEqual([created[0]!.record.id]);
      expect(await stores[0]!.outbox.counts()).toEqual({ queued: 1, sending: 0, delivered: 0, failed: 0 });

      const runs = await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          stores[i % 5]!.runs.create({
            runId: `r${i}`,
            dedupeKey: 'caller|k',
            sessionKey: 's',
            source: 'chat',
            status: 'accepted',
            message: 'hi',
            createdAtMs: 1,
          }),
        ),
      );
      expect(runs.filter((r) => r.created)).toHaveLength(1);
      expect(await stores[0]!.runs.listByStatus(['accepted'])).toHaveLength(1);
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it('leaves a connection it was given open on close', async () => {
    const store = createRedisStore({ client, prefix: freshPrefix() });
    await store.close();
    await store.close();
    expect(await client.ping()).toBe('PONG');
  });

  // Last: it restarts the shared server.
  it('carries on after a Redis restart (reconnects, reloads its scripts)', async () => {
    const store = createRedisStore({ url: server.url, prefix: freshPrefix() });
    try {
      expect((await store.leases.acquire('l', 'gw-a', 1000, 0)).lease.token).toBe(1);
      await server.restart();
      // The test server keeps nothing across a restart, and Redis forgot the scripts (NOSCRIPT).
      expect(await store.leases.acquire('l', 'gw-b', 1000, 10)).toMatchObject({
        acquired: true,
        lease: { holder: 'gw-b', token: 1 },
      });
    } finally {
      await store.close();
    }
  });
});
