import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { settledYet } from '../testing/settled-yet.ts';
import { createSqliteStore } from './sqlite-store.ts';

describe('deferred.synced(): the barrier after deferred writes', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('resolves at the next durable commit that writes; reads and deferred writes do not count', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-barrier-'));
    // No forced sync within the test: only the store's own durable commits can resolve it.
    const store = createSqliteStore({ path: join(dir, 'a.db'), syncDelayMs: 60_000 });
    const deferred = store.deferred!;
    try {
      await deferred.sessions.ensure({ key: 's1', kind: 'channel', createdAtMs: 1 });
      const synced = deferred.synced();
      // A read through the durable path commits nothing, so syncs nothing.
      expect(await store.sessions.history('s1', { limit: 5 })).toEqual([]);
      expect(await settledYet(synced)).toBe(false);
      // Another deferred write: rows changed, but not synced.
      await deferred.sessions.append({ sessionKey: 's1', id: 'm1', role: 'user', text: 'hi', ts: 2 });
      expect(await store.runs.get('nope')).toBeUndefined();
      expect(await settledYet(synced)).toBe(false);
      // A durable write that changes nothing (a no-op update) syncs nothing either.
      await store.outbox.update('nope', { status: 'delivered', updatedAtMs: 3 });
      expect(await settledYet(synced)).toBe(false);
      // The reply's outbox record: a durable commit that writes syncs the whole log.
      await store.outbox.enqueue(queuedOutboxRecord({ id: 'o1' }));
      expect(await settledYet(synced)).toBe(true);
      await synced;
    } finally {
      await store.close();
    }
  });

  it('with no durable commit to ride on, makes one after the delay', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-barrier-'));
    const store = createSqliteStore({ path: join(dir, 'b.db'), syncDelayMs: 30 });
    const deferred = store.deferred!;
    try {
      await deferred.sessions.ensure({ key: 's1', kind: 'channel', createdAtMs: 1 });
      const t0 = performance.now();
      const synced = deferred.synced();
      expect(await settledYet(synced)).toBe(false);
      await synced;
      expect(performance.now() - t0).toBeGreaterThanOrEqual(25);
      // The store's own durable write is what synced the log.
      expect(await store.kv.get('store.syncMark')).toBeDefined();
    } finally {
      await store.close();
    }
  });

  it('soon: makes the sync on the next turn of the event loop, unless a durable commit comes first', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-barrier-'));
    const store = createSqliteStore({ path: join(dir, 'd.db'), syncDelayMs: 60_000 });
    const deferred = store.deferred!;
    try {
      await deferred.outbox.enqueue(queuedOutboxRecord({ id: 'o1' }));
      const synced = deferred.synced({ soon: true });
      // Not within this turn of the event loop: what the writer starts next runs first.
      expect(await store.kv.get('store.syncMark')).toBeUndefined();
      await synced;
      expect(await store.kv.get('store.syncMark')).toBeDefined();
      // A durable commit in the same turn carries the log itself: no sync of the store's own.
      await store.kv.delete('store.syncMark');
      await deferred.outbox.enqueue(queuedOutboxRecord({ id: 'o2' }));
      const again = deferred.synced({ soon: true });
      await store.outbox.enqueue(queuedOutboxRecord({ id: 'o3' }));
      await again;
      expect(await store.kv.get('store.syncMark')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('a waiter left when the store closes is told its writes may not be on disk', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-barrier-'));
    const store = createSqliteStore({ path: join(dir, 'c.db'), syncDelayMs: 60_000 });
    await store.deferred!.sessions.ensure({ key: 's1', kind: 'channel', createdAtMs: 1 });
    const synced = store.deferred!.synced();
    await store.close();
    await expect(synced).rejects.toThrow(/closed before its writes were synced/);
  });
});
