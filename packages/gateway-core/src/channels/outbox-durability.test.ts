// Which writes of a delivery wait for the disk: the accepted record does, before its caller is
// told (a send is kept once accepted), but the send starts first and the sync follows it; the
// delivery marks after it do not wait (a killed process keeps them, they are in the log; a power
// cut can only rewind a record to a resend or an in-doubt part).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { recordingAdapter, settled, testOutbox } from './outbox-test-fixtures.ts';

/** The store, with each outbox write logged as `durable:<op>` or `deferred:<op>`. */
function loggingStore(inner: Store) {
  const writes: string[] = [];
  const logged = (kind: string, repo: Store['outbox']): Store['outbox'] => ({
    ...repo,
    enqueue(r) {
      writes.push(`${kind}:enqueue`);
      return repo.enqueue(r);
    },
    update(id, patch) {
      writes.push(`${kind}:update`);
      return repo.update(id, patch);
    },
  });
  const store: Store = {
    ...inner,
    outbox: logged('durable', inner.outbox),
    deferred: { ...inner.deferred!, outbox: logged('deferred', inner.deferred!.outbox) },
  };
  return { store, writes };
}

describe('outbox: what a delivery syncs', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('starts the send before the accepted record syncs, answers after; its marks go through the unsynced repo', async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-outbox-sync-'));
    // No sync after a wait within the test: only the outbox's own request for one can answer it.
    const sqlite = createSqliteStore({ path: join(dir, 's.db'), syncDelayMs: 60_000 });
    const { store, writes } = loggingStore(sqlite);
    const outbox = testOutbox(store);
    const order: string[] = [];
    const { adapter, sent } = recordingAdapter('p', async (_m, n) => {
      // The store's own sync writes this key: absent while the first part goes out.
      order.push(
        `send ${n}: ${(await sqlite.kv.get('store.syncMark')) === undefined ? 'unsynced' : 'synced'}`,
      );
    });
    outbox.setAdapter('x', 'a', adapter);
    try {
      // Two parts (10-character texts): two in-flight marks, one progress mark, one delivered mark.
      const { record } = await outbox.enqueue({
        channel: 'x',
        accountId: 'a',
        chatId: 'c',
        text: 'hello there, you',
      });
      order.push(
        `enqueued: ${(await sqlite.kv.get('store.syncMark')) === undefined ? 'unsynced' : 'synced'}`,
      );
      const done = await settled(store, record.id);
      expect(done.status).toBe('delivered');
      expect(sent).toHaveLength(2);
      expect(order[0]).toBe('send 1: unsynced');
      expect(order).toContain('enqueued: synced');
      expect(writes).toEqual(['deferred:enqueue', ...Array(4).fill('deferred:update')]);
      expect(sqlite.durability().synchronous).toBe('full');
    } finally {
      await outbox.close();
      await sqlite.close();
    }
    // What the unsynced marks wrote is in the file when it is opened again.
    const reopened = createSqliteStore({ path: join(dir, 's.db') });
    try {
      const again = (await reopened.outbox.pending()).length;
      expect(again).toBe(0);
    } finally {
      await reopened.close();
    }
  });
});
