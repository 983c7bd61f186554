import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { ManualClock } from '../util/clock.ts';
import { observeStore } from './observe-store.ts';
import { checkSqliteIntegrity } from './sqlite-integrity.ts';
import { createSqliteStore } from './sqlite-store.ts';
import { classifyStoreError, StoreFailingError, type StoreFailure } from './store-failure.ts';
import { StoreHealth } from './store-health.ts';

const log = createLogger({ level: 'silent', destination: { write: () => {} } });
const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** A real gateway database with `n` session messages, closed. */
async function filledDb(n: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-health-'));
  dirs.push(dir);
  const path = join(dir, 'gateway.db');
  const store = createSqliteStore({ path, synchronous: 'normal' });
  await store.sessions.ensure({ key: 's', kind: 'webchat', createdAtMs: 1 });
  for (let i = 0; i < n; i++)
    await store.sessions.append({
      sessionKey: 's',
      id: `m${i}`,
      role: 'user',
      text: 'x'.repeat(1000),
      ts: i,
    });
  await store.close();
  return path;
}

async function damage(path: string): Promise<void> {
  const { size } = await stat(path);
  const fh = await open(path, 'r+');
  await fh.write(randomBytes(64 * 1024), 0, 64 * 1024, Math.floor(size / 2));
  await fh.close();
}

const until = async (cond: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('store failure classification', () => {
  it('damage read from a real SQLite file is corrupt; a constraint violation is not a store failure', async () => {
    const path = await filledDb(2000);
    await damage(path);
    const store = createSqliteStore({ path });
    const seen: StoreFailure[] = [];
    const observed = observeStore(store, (f) => seen.push(f));
    const error = await observed.sessions.history('s', { limit: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreFailingError);
    expect((error as StoreFailingError).failure).toMatchObject({ kind: 'corrupt' });
    expect((error as StoreFailingError).failure.reason).toMatch(/SQLITE_CORRUPT/);
    expect((error as Error).cause).toMatchObject({ code: 'ERR_SQLITE_ERROR', errcode: 11 });
    // An ordinary failure passes through untouched and is not reported.
    const unknown = await observed.sessions
      .append({ sessionKey: 'nope', id: 'x', role: 'user', text: '', ts: 1 })
      .catch((e: unknown) => e);
    expect(unknown).not.toBeInstanceOf(StoreFailingError);
    expect(seen).toHaveLength(1);
    await store.close();
  });

  it('names extended SQLite codes and file-system errors', () => {
    expect(classifyStoreError({ code: 'ERR_SQLITE_ERROR', errcode: 778, errstr: 'disk I/O error' })).toEqual({
      kind: 'io',
      reason: 'disk I/O error (SQLITE_IOERR_WRITE)',
    });
    expect(
      classifyStoreError({ code: 'ERR_SQLITE_ERROR', errcode: 13, errstr: 'database or disk is full' }),
    ).toEqual({ kind: 'full', reason: 'database or disk is full (SQLITE_FULL)' });
    expect(classifyStoreError({ code: 'ERR_SQLITE_ERROR', errcode: 5, errstr: 'database is locked' })).toBe(
      undefined,
    );
    expect(classifyStoreError(Object.assign(new Error('no space left'), { code: 'ENOSPC' }))).toMatchObject({
      kind: 'full',
    });
    expect(classifyStoreError(new Error('plain'))).toBe(undefined);
  });
});

describe('StoreHealth', () => {
  it('failing from the first report until a probe succeeds, with the reason in readiness', async () => {
    const clock = new ManualClock(Date.parse('2030-01-01T00:00:00Z'));
    let probeOk = false;
    let probes = 0;
    const changes: boolean[] = [];
    const health = new StoreHealth({
      clock,
      log,
      minProbeMs: 5,
      maxProbeMs: 20,
      probe: async () => {
        probes++;
        if (!probeOk)
          throw new StoreFailingError({ kind: 'io', reason: 'disk I/O error (SQLITE_IOERR_WRITE)' });
      },
      onChange: (f) => changes.push(f),
    });
    expect(health.readiness()).toEqual({ ready: true });
    health.report({ kind: 'io', reason: 'disk I/O error (SQLITE_IOERR_WRITE)' });
    health.report({ kind: 'io', reason: 'another' });
    expect(health.failing).toMatchObject({ kind: 'io', sinceMs: clock.now() });
    expect(health.readiness()).toEqual({
      ready: false,
      reason: 'io: disk I/O error (SQLITE_IOERR_WRITE) (since 2030-01-01T00:00:00.000Z)',
    });
    await until(() => probes >= 3);
    expect(health.failing).toBeDefined();
    probeOk = true;
    await until(() => health.failing === undefined);
    expect(changes).toEqual([true, false]);
    health.close();
  });

  it('damage outranks an I/O error and is probed with its own (long) delay', async () => {
    let probes = 0;
    const health = new StoreHealth({
      clock: new ManualClock(),
      log,
      minProbeMs: 5,
      damagedProbeMs: 60_000,
      probe: async () => {
        probes++;
      },
    });
    health.report({ kind: 'io', reason: 'disk I/O error' });
    health.report({ kind: 'corrupt', reason: 'database disk image is malformed (SQLITE_CORRUPT)' });
    expect(health.failing?.kind).toBe('corrupt');
    await new Promise((r) => setTimeout(r, 50));
    expect(probes).toBe(0);
    health.close();
  });
});

describe('checkSqliteIntegrity', () => {
  it('after a crash (a hot WAL, no clean close) the store opens at once after the check', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-health-'));
    dirs.push(dir);
    const path = join(dir, 'gateway.db');
    // A process that commits into a WAL database and is killed before it closes it.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const { DatabaseSync } = require('node:sqlite');
         const db = new DatabaseSync(process.argv[1]);
         db.exec("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0; CREATE TABLE t (x TEXT)");
         for (let i = 0; i < 200; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(1000));
         process.stdout.write('ready');
         setInterval(() => {}, 1000);`,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((r) => child.stdout!.once('data', () => r()));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect((await stat(`${path}-wal`)).size).toBeGreaterThan(100_000);
    expect((await checkSqliteIntegrity(path, { budgetMs: 10_000 })).status).toBe('ok');
    const store = createSqliteStore({ path });
    await store.kv.set('k', 1);
    expect(await store.kv.get('k')).toBe(1);
    await store.close();
  });

  it('sound, damaged, missing, and a check that outlives its budget', async () => {
    const path = await filledDb(3000);
    expect((await checkSqliteIntegrity(path, { budgetMs: 10_000 })).status).toBe('ok');
    expect((await checkSqliteIntegrity(join(dirs[0]!, 'absent.db'), { budgetMs: 10_000 })).status).toBe('ok');
    const late = await checkSqliteIntegrity(path, { budgetMs: 0 });
    expect(late.status).toBe('unfinished');
    if (late.status === 'unfinished') expect((await late.result).status).toBe('ok');
    await damage(path);
    const damaged = await checkSqliteIntegrity(path, { budgetMs: 10_000 });
    expect(damaged.status).toBe('damaged');
    // The same verdict on this thread, as start-up does for a small file.
    expect((await checkSqliteIntegrity(path, { budgetMs: 10_000, inlineUpToBytes: 1e9 })).status).toBe(
      'damaged',
    );
    // What quick_check says depends on where the junk landed (a page report, or malformed).
    if (damaged.status === 'damaged') expect(damaged.problems.length).toBeGreaterThan(0);
    // The store's own check says the same, off the main thread.
    const store = createSqliteStore({ path });
    expect((await store.verify!()).length).toBeGreaterThan(0);
    await store.close();
  });
});
