import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { describeStoreContract } from '../testing/store-contract.ts';
import { applyMigrations, migrations, StoreVersionError } from './sqlite-migrations.ts';
import { createSqliteStore } from './sqlite-store.ts';

describeStoreContract('sqlite', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oc-sqlite-'));
  return {
    store: createSqliteStore({ path: join(dir, 'gateway.db') }),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
});

async function withDir<T>(fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-sqlite-'));
  try {
    return await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('SQLite store', () => {
  it('keeps data across close and reopen, in a private WAL file', () =>
    withDir(async (dir) => {
      const path = join(dir, 'state', 'gateway.db');
      const a = createSqliteStore({ path });
      await a.devices.put({
        deviceId: 'd',
        publicKey: 'p',
        roles: ['operator'],
        scopes: [],
        createdAtMs: 1,
        approvedAtMs: 1,
      });
      await a.audit.append({ ts: 1, action: 'x' });
      await a.close();
      const b = createSqliteStore({ path });
      expect((await b.devices.get('d'))?.publicKey).toBe('p');
      expect((await b.audit.list({ limit: 5 })).length).toBe(1);
      await b.close();
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(dir, 'state'))).mode & 0o777).toBe(0o700);
      const db = new DatabaseSync(path);
      expect((db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
      db.close();
    }));

  it('applies migrations once and records them', () =>
    withDir(async (dir) => {
      const path = join(dir, 'gateway.db');
      await createSqliteStore({ path }).close();
      await createSqliteStore({ path }).close();
      const db = new DatabaseSync(path);
      const rows = db.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as {
        version: number;
      }[];
      db.close();
      expect(rows.map((r) => r.version)).toEqual(migrations.map((m) => m.version));
    }));

  it('counts the stored bytes of history written before they were tracked (migration 4)', () =>
    withDir(async (dir) => {
      const path = join(dir, 'gateway.db');
      const db = new DatabaseSync(path);
      applyMigrations(db, migrations.slice(0, 3));
      db.prepare(
        `INSERT INTO sessions (key, kind, created_at_ms, updated_at_ms, message_count) VALUES ('s', 'webchat', 1, 1, 3)`,
      ).run();
      for (let i = 1; i <= 3; i++) {
        const data = JSON.stringify({
          sessionKey: 's',
          id: `m${i}`,
          role: 'user',
          text: 'x'.repeat(1000),
          ts: i,
          seq: i,
        });
        db.prepare(
          'INSERT INTO session_messages (session_key, seq, id, ts, data) VALUES (?, ?, ?, ?, ?)',
        ).run('s', i, `m${i}`, i, data);
      }
      db.close();
      const store = createSqliteStore({ path });
      // Three old ~1 KB messages and a new one, 2.5 KB allowed: only what the old rows weigh can say so.
      await store.sessions.append(
        { sessionKey: 's', id: 'new', role: 'user', text: 'x'.repeat(1000), ts: 9 },
        { maxMessages: 100, maxBytes: 2500 },
      );
      expect((await store.sessions.history('s', { limit: 10 })).map((m) => m.id)).toEqual(['m3', 'new']);
      await store.close();
    }));

  it('refuses a database written by a newer gateway', () =>
    withDir(async (dir) => {
      const path = join(dir, 'gateway.db');
      await createSqliteStore({ path }).close();
      const db = new DatabaseSync(path);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)').run(
        999,
        'future',
        1,
      );
      db.close();
      expect(() => createSqliteStore({ path })).toThrow(StoreVersionError);
    }));

  it('makes a write visible to another connection once its promise resolves', () =>
    withDir(async (dir) => {
      const path = join(dir, 'gateway.db');
      const store = createSqliteStore({ path });
      await store.idempotency.putIfAbsent({
        key: 'k',
        method: 'send',
        ok: true,
        response: '1',
        createdAtMs: 1,
        expiresAtMs: 9e12,
      });
      // A second connection, as after a crash: the first was never closed.
      const other = new DatabaseSync(path);
      const row = other.prepare('SELECT response FROM idempotency WHERE key = ?').get('k') as
        | { response: string }
        | undefined;
      other.close();
      await store.close();
      expect(row?.response).toBe('1');
    }));

  it('sees writes made by another connection after its own reads were cached', () =>
    withDir(async (dir) => {
      const path = join(dir, 'gateway.db');
      const store = createSqliteStore({ path });
      await store.devices.put({
        deviceId: 'd',
        publicKey: 'p',
        roles: ['operator'],
        scopes: [],
        createdAtMs: 1,
        approvedAtMs: 1,
      });
      expect((await store.devices.get('d'))?.scopes).toEqual([]);
      await store.devices.put({
        deviceId: 'd',
        publicKey: 'p',
        roles: ['operator'],
        scopes: ['operator.read'],
        createdAtMs: 1,
        approvedAtMs: 2,
      });
      expect((await store.devices.get('d'))?.scopes).toEqual(['operator.read']);
      await store.close();
    }));
});
