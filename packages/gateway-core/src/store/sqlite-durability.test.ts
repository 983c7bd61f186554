// docs/ARCHITECTURE.md and docs/CHANNELS.md promise WAL and synchronous=FULL: every commit is on
// disk before its promise resolves. PRAGMAs are per connection, so ask the store's own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { createSqliteStore } from './sqlite-store.ts';

describe('SQLite durability', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('opens in WAL mode with synchronous=FULL unless told otherwise', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-durable-'));
    const full = createSqliteStore({ path: join(dir, 'a.db') });
    const normal = createSqliteStore({ path: join(dir, 'b.db'), synchronous: 'normal' });
    try {
      expect(full.durability()).toEqual({ journalMode: 'wal', synchronous: 'full' });
      expect(normal.durability()).toEqual({ journalMode: 'wal', synchronous: 'normal' });
    } finally {
      await full.close();
      await normal.close();
    }
  });

  it('deferred writes land, and the connection is back at synchronous=FULL after each (a failing one too)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-durable-'));
    const path = join(dir, 'c.db');
    const store = createSqliteStore({ path });
    const deferred = store.deferred!;
    try {
      expect(await deferred.channelAccess.markInboundSeen('k1', 1)).toBe(true);
      expect(store.durability().synchronous).toBe('full');
      await deferred.sessions.ensure({ key: 's1', kind: 'channel', createdAtMs: 1 });
      await deferred.sessions.append({ sessionKey: 's1', id: 'm1', role: 'user', text: 'hi', ts: 2 });
      expect(store.durability().synchronous).toBe('full');
      // A write that fails inside its transaction (no such session: the foreign key refuses it).
      await expect(
        deferred.sessions.append({ sessionKey: 'nope', id: 'm2', role: 'user', text: 'x', ts: 3 }),
      ).rejects.toThrow();
      expect(store.durability().synchronous).toBe('full');
      // An outbox delivery mark (nothing durable has to follow it: a power cut only rewinds it).
      await store.outbox.enqueue(queuedOutboxRecord({ id: 'o1' }));
      await deferred.outbox.update('o1', { status: 'sending', inFlight: true, attempts: 1, updatedAtMs: 4 });
      expect(store.durability().synchronous).toBe('full');
      // The durable write after them, as on the way in: the run that answers the message.
      await store.runs.create({
        runId: 'r1',
        sessionKey: 's1',
        source: 'channel',
        status: 'accepted',
        message: 'hi',
        createdAtMs: 4,
      });
    } finally {
      await store.close();
    }
    const reopened = createSqliteStore({ path });
    try {
      expect(await reopened.channelAccess.markInboundSeen('k1', 5)).toBe(false);
      expect((await reopened.sessions.history('s1', { limit: 10 })).map((m) => m.id)).toEqual(['m1']);
      expect((await reopened.runs.get('r1'))?.status).toBe('accepted');
      expect(await reopened.outbox.get('o1')).toMatchObject({ status: 'sending', inFlight: true });
    } finally {
      await reopened.close();
    }
  });
});
