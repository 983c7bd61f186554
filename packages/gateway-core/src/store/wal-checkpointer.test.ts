// Checkpoints on a worker's connection (the gateway's store): the WAL still reaches the database
// file, the worker comes and goes with the work, and nothing a commit acknowledged is lost when
// the process dies while they run.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSqliteIntegrity } from './sqlite-integrity.ts';
import { createSqliteStore } from './sqlite-store.ts';
import {
  BACKSTOP_AUTOCHECKPOINT_PAGES,
  SQLITE_AUTOCHECKPOINT_PAGES,
  WalCheckpointer,
} from './wal-checkpointer.ts';

async function until(
  test: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('WAL checkpoints in the background', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const tempDir = async () => {
    const d = await mkdtemp(join(tmpdir(), 'oc-ckpt-'));
    dirs.push(d);
    return d;
  };

  it("moves the store's commits into the database file from a worker", async () => {
    const path = join(await tempDir(), 'gateway.db');
    const store = createSqliteStore({ path, walCheckpoint: 'background' });
    try {
      expect(store.walCheckpoints()).toMatchObject({ mode: 'background', completed: 0, running: false });
      const before = (await stat(path)).size;
      // About 4.8 MB in 600 commits: past the worker's threshold (500 rows), below SQLite's backstop.
      for (let i = 0; i < 600; i++) await store.kv.set(`k${i}`, 'x'.repeat(8000));
      await until(() => store.walCheckpoints().completed > 0, 'a checkpoint by the worker');
      expect(store.walCheckpoints().running).toBe(true);
      // The pages are in the database file itself now, not only in the WAL.
      await until(async () => (await stat(path)).size > before + 2_000_000, 'the database file to grow');
      expect(await store.kv.get('k599')).toBe('x'.repeat(8000));
    } finally {
      await store.close();
    }
    expect(store.walCheckpoints().running).toBe(false);
    const reopened = createSqliteStore({ path });
    try {
      expect(await reopened.kv.get('k0')).toBe('x'.repeat(8000));
    } finally {
      await reopened.close();
    }
  });

  it("leaves SQLite's own checkpoint to the committing connection by default", async () => {
    const path = join(await tempDir(), 'gateway.db');
    const store = createSqliteStore({ path });
    try {
      for (let i = 0; i < 300; i++) await store.kv.set(`k${i}`, 'x'.repeat(8000));
      expect(store.walCheckpoints()).toEqual({ mode: 'inline', completed: 0, polls: 0, running: false });
    } finally {
      await store.close();
    }
  });

  it('starts the worker when rows change, stops it when idle, and starts it again', async () => {
    const path = join(await tempDir(), 'c.db');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x TEXT)');
    const ckpt = new WalCheckpointer({ db, path, pollMs: 20, changesPerCheckpoint: 10, idleStopMs: 200 });
    try {
      // The committing connection checkpoints only as a backstop now.
      expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({
        wal_autocheckpoint: BACKSTOP_AUTOCHECKPOINT_PAGES,
      });
      // Fewer changes than the threshold start nothing (checked once it has looked twice since).
      for (let i = 0; i < 5; i++) db.prepare('INSERT INTO t VALUES (?)').run('a');
      const polls = ckpt.stats().polls;
      await until(() => ckpt.stats().polls >= polls + 2, 'the checkpointer to look at the changes');
      expect(ckpt.stats()).toMatchObject({ completed: 0, running: false });
      for (let i = 0; i < 10; i++) db.prepare('INSERT INTO t VALUES (?)').run('b');
      await until(() => ckpt.stats().completed === 1, 'the first checkpoint');
      await until(() => !ckpt.stats().running, 'the idle worker to stop');
      for (let i = 0; i < 20; i++) db.prepare('INSERT INTO t VALUES (?)').run('c');
      await until(() => ckpt.stats().completed === 2, 'a checkpoint by a new worker');
      expect(ckpt.stats().failed).toBeUndefined();
    } finally {
      await ckpt.close();
      db.close();
    }
  });

  it('a few big rows that outgrow the WAL limit ask for a checkpoint, and the WAL is cut back to it', async () => {
    const path = join(await tempDir(), 'big.db');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x TEXT)');
    const limit = 256 * 1024;
    const ckpt = new WalCheckpointer({
      db,
      path,
      pollMs: 20,
      changesPerCheckpoint: 1000,
      walLimitBytes: limit,
    });
    try {
      // 4 rows, far below the row threshold, but 2 MB of WAL.
      for (let i = 0; i < 4; i++) db.prepare('INSERT INTO t VALUES (?)').run('y'.repeat(500_000));
      expect((await stat(`${path}-wal`)).size).toBeGreaterThan(limit);
      await until(() => ckpt.stats().completed === 1, 'a checkpoint asked for by the WAL size');
      // The next commit rewinds the checkpointed WAL and SQLite cuts the file back to the limit.
      db.prepare('INSERT INTO t VALUES (?)').run('z');
      expect((await stat(`${path}-wal`)).size).toBeLessThanOrEqual(limit);
      expect(db.prepare('SELECT count(*) AS n FROM t').get()).toEqual({ n: 5 });
    } finally {
      await ckpt.close();
      db.close();
    }
  });

  it('waits for a lull to checkpoint what is due, unless writes go on past the busy limit', async () => {
    const path = join(await tempDir(), 'lull.db');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x TEXT)');
    // Polls a second apart, so only a pause of a second in the writes below is a lull.
    const ckpt = new WalCheckpointer({
      db,
      path,
      pollMs: 1000,
      changesPerCheckpoint: 10,
      busyChangesPerCheckpoint: 1000,
    });
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));
    try {
      // A row every 40 ms until the checkpointer has looked twice: far past the threshold,
      // far below the busy limit, and never a lull.
      while (ckpt.stats().polls < 2) {
        insert.run('w');
        await tick(40);
      }
      expect(ckpt.stats().completed).toBe(0);
      await until(() => ckpt.stats().completed === 1, 'the checkpoint in the lull after the writes');
      // Writing on and on (bursts of 20 rows): the busy limit asks for one without a lull.
      for (let i = 0; i < 5000 && ckpt.stats().completed < 2; i++) {
        for (let j = 0; j < 20; j++) insert.run('b');
        await tick(1);
      }
      expect(ckpt.stats().completed).toBe(2);
    } finally {
      await ckpt.close();
      db.close();
    }
  });

  it("a worker that cannot run hands checkpoints back to SQLite's default", async () => {
    const dir = await tempDir();
    const path = join(dir, 'd.db');
    const db = new DatabaseSync(path);
    db.exec('PRAGMA journal_mode = WAL; CREATE TABLE t (x TEXT)');
    // The worker is pointed at a directory: it cannot open it.
    const ckpt = new WalCheckpointer({ db, path: dir, pollMs: 20, changesPerCheckpoint: 5 });
    try {
      for (let i = 0; i < 10; i++) db.prepare('INSERT INTO t VALUES (?)').run('a');
      await until(() => ckpt.stats().failed !== undefined, 'the worker to fail');
      expect(db.prepare('PRAGMA wal_autocheckpoint').get()).toEqual({
        wal_autocheckpoint: SQLITE_AUTOCHECKPOINT_PAGES,
      });
      await until(() => !ckpt.stats().running, 'the failed worker to be gone');
    } finally {
      await ckpt.close();
      db.close();
    }
  });

  it('a process killed while committing and checkpointing keeps every write it acknowledged', async () => {
    const path = join(await tempDir(), 'gateway.db');
    const storeModule = join(import.meta.dirname, 'sqlite-store.ts');
    // Writes one row at a time and says which it has committed; the checkpoints run beside them.
    // Each write waits a macrotask, as a gateway's do (they follow I/O), so the poll timer runs.
    const child = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `const { createSqliteStore } = await import(${JSON.stringify(storeModule)});
         const store = createSqliteStore({ path: process.argv[1], walCheckpoint: 'background' });
         for (let i = 0; ; i++) {
           await new Promise((r) => setImmediate(r));
           await store.kv.set('k' + i, 'v'.repeat(2000));
           process.stdout.write(i + ' ' + store.walCheckpoints().completed + '\\n');
         }`,
        path,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let acknowledged = -1;
    let checkpoints = 0;
    let buffered = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffered += d;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [i, c] = line.split(' ').map(Number);
        acknowledged = i!;
        checkpoints = c!;
      }
    });
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await until(() => checkpoints >= 2, 'checkpoints in the child', 30_000);
    } finally {
      child.kill('SIGKILL');
      await exited;
    }
    expect(acknowledged).toBeGreaterThan(200);
    expect((await checkSqliteIntegrity(path, { budgetMs: 10_000 })).status).toBe('ok');
    const store = createSqliteStore({ path });
    try {
      let kept = 0;
      for (let i = 0; i <= acknowledged; i++) if ((await store.kv.get(`k${i}`)) === 'v'.repeat(2000)) kept++;
      expect(kept).toBe(acknowledged + 1);
    } finally {
      await store.close();
    }
  });
});
