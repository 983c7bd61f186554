// docs/ARCHITECTURE.md and docs/CHANNELS.md promise WAL and synchronous=FULL: every commit is on
// disk before its promise resolves. PRAGMAs are per connection, so ask the store's own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
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
});
