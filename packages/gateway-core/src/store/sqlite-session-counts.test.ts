import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COUNTED_KEYS, expectedCounts, plainCounts } from '../testing/store-contract-session-counts.ts';
import { applyMigrations, migrations } from './sqlite-migrations.ts';
import { createSqliteStore } from './sqlite-store.ts';

describe('SQLite session counts', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-sqlite-counts-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('counts the sessions of a store written before counts were kept (migration 8 fills each key agent)', async () => {
    const path = join(dir, 'gateway.db');
    const db = new DatabaseSync(path);
    applyMigrations(
      db,
      migrations.filter((m) => m.version < 8),
    );
    const insert = db.prepare(
      `INSERT INTO sessions (key, kind, created_at_ms, updated_at_ms, message_count) VALUES (?, 'webchat', 1, 1, 0)`,
    );
    for (const [key] of COUNTED_KEYS) insert.run(key);
    db.close();

    const store = createSqliteStore({ path });
    try {
      const keys = COUNTED_KEYS.map(([k]) => k);
      expect(plainCounts(await store.sessions.counts())).toEqual(plainCounts(expectedCounts(keys)));
      // And they follow writes from there on.
      expect(await store.sessions.remove('agent:work:notes')).toBe(true);
      await store.sessions.ensure({ key: 'agent:ops:x', kind: 'webchat', createdAtMs: 2 });
      const after = [...keys.filter((k) => k !== 'agent:work:notes'), 'agent:ops:x'];
      expect(plainCounts(await store.sessions.counts())).toEqual(plainCounts(expectedCounts(after)));
    } finally {
      await store.close();
    }
  });

  it('keeps the counts in the same transaction as the rows: a rolled-back insert counts nothing', async () => {
    const path = join(dir, 'gateway.db');
    const store = createSqliteStore({ path });
    try {
      await store.sessions.ensure({ key: 'agent:work:a', kind: 'webchat', createdAtMs: 1 });
      // Another connection's writes, as a repair by hand would make them: the triggers count them.
      const db = new DatabaseSync(path);
      db.exec('BEGIN');
      db.prepare(
        `INSERT INTO sessions (key, agent_id, kind, created_at_ms, updated_at_ms, message_count)
         VALUES ('agent:ops:b', 'ops', 'webchat', 1, 1, 0)`,
      ).run();
      db.exec('ROLLBACK');
      db.prepare(
        `INSERT INTO sessions (key, agent_id, kind, created_at_ms, updated_at_ms, message_count)
         VALUES ('agent:ops:c', 'ops', 'webchat', 1, 1, 0)`,
      ).run();
      db.prepare(`DELETE FROM sessions WHERE key = 'agent:work:a'`).run();
      const rows = db.prepare('SELECT agent_id, n FROM session_agent_counts').all();
      db.close();
      expect(rows.map((r) => ({ ...r }))).toEqual([{ agent_id: 'ops', n: 1 }]);
      expect(plainCounts(await store.sessions.counts())).toEqual({ total: 1, byKeyAgent: { ops: 1 } });
    } finally {
      await store.close();
    }
  });
});
