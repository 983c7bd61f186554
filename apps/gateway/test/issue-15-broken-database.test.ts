// A broken database is not a healthy gateway. Once, 64 KiB of junk in the middle of gateway.db
// left the gateway starting, /readyz ready, channels.status failing INTERNAL and `send` still
// answering "queued". Now: a damaged file refuses the start (exit 7, the file and what to do), and
// a store that fails under a running gateway (damaged pages, I/O errors) makes side-effecting
// requests answer retryable UNAVAILABLE, readiness say why, and recovery follow when writes work.
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { open, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import { createSqliteStore } from '@openclaw/gateway-core';
import type { GatewayClient } from '@openclaw/protocol';
import { FakeTelegram } from '@openclaw/test-fakes';
import {
  connectOperator,
  type GatewayProcess,
  newToken,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

/** A state dir whose gateway.db holds one long WebChat session, written through the real store. */
async function populate(dbPath: string, messages: number): Promise<void> {
  const store = createSqliteStore({ path: dbPath, synchronous: 'normal' });
  await store.sessions.ensure({ key: 'web:old', kind: 'webchat', createdAtMs: 1 });
  const filler = 'x'.repeat(1500);
  for (let i = 0; i < messages; i++) {
    await store.sessions.append({
      sessionKey: 'web:old',
      id: `m${i}`,
      role: 'user',
      text: `${i} ${filler}`,
      ts: Date.now(),
    });
  }
  await store.close();
}

async function junk(path: string, offset: number, length: number): Promise<void> {
  const fh = await open(path, 'r+');
  await fh.write(randomBytes(length), 0, length, offset);
  await fh.close();
}

/** Table pages of session_messages, in file order. */
function messagePages(dbPath: string): { pageSize: number; pages: number[] } {
  const db = new DatabaseSync(dbPath, { readOnly: true });
  const pageSize = Number((db.prepare('PRAGMA page_size').get() as { page_size: number }).page_size);
  const pages = (
    db
      .prepare(
        `SELECT pageno FROM dbstat WHERE name = 'session_messages' AND pagetype = 'leaf' ORDER BY pageno`,
      )
      .all() as { pageno: number }[]
  ).map((r) => Number(r.pageno));
  db.close();
  return { pageSize, pages };
}

async function readyz(port: number): Promise<{ status: number; body: { notReady: string[] } }> {
  const r = await fetch(`http://127.0.0.1:${port}/readyz`);
  return { status: r.status, body: (await r.json()) as { notReady: string[] } };
}

async function eventually(fn: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await fn().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function rejection(p: Promise<unknown>): Promise<{
  code: string;
  retryable: boolean;
  retryAfterMs?: number;
  details?: Record<string, unknown>;
}> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e as never,
  );
}

describe('issue 15: a broken database is not a healthy gateway', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  async function stateDir(): Promise<string> {
    const dir = await tempStateDir();
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  async function start(dir: string, token: string): Promise<GatewayProcess> {
    const gw = await spawnGateway({ stateDir: dir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    cleanup.push(() => gw.stop());
    return gw;
  }

  it('64 KiB of junk in the middle of gateway.db: the start is refused (exit 7) with the file and the way out, which works', async () => {
    const dir = await stateDir();
    const db = join(dir, 'gateway.db');
    await populate(db, 3000);
    const token = newToken();
    // The file as written is sound: a gateway starts on it.
    const sound = await start(dir, token);
    await sound.stop();
    const { size } = await stat(db);
    expect(size).toBeGreaterThan(4 * 1024 * 1024);
    await junk(db, Math.floor(size / 2), 64 * 1024);

    const gw = await spawnGateway({
      stateDir: dir,
      env: { OPENCLAW_GATEWAY_TOKEN: token },
      expectExit: true,
      timeoutMs: 15_000,
    });
    const { code } = await gw.waitForExit();
    const out = gw.output();
    expect(code).toBe(7);
    expect(out).toContain(`the database ${db} is damaged`);
    expect(out).toContain('keeps no backup');
    expect(out).not.toContain('gateway listening');

    // The printed way out, run as printed, gives a gateway that starts (on an empty database).
    const command = out.split('\n').find((l) => l.trim().startsWith('mkdir '));
    expect(command).toBeDefined();
    execFileSync('sh', ['-c', command!.trim()]);
    const aside = (await readdir(dir)).find((f) => f.startsWith('damaged-'));
    expect(aside).toBeDefined();
    expect(await readdir(join(dir, aside!))).toContain('gateway.db');
    const fresh = await start(dir, token);
    const c = await connectOperator(fresh.url, token);
    expect((await c.request('sessions.list', {})).total).toBe(0);
    await c.close();
  });

  it('pages damaged under a running gateway: reads and writes answer UNAVAILABLE, readiness says why, and the next start is refused', async () => {
    const dir = await stateDir();
    const db = join(dir, 'gateway.db');
    await populate(db, 3000);
    const { pageSize, pages } = messagePages(db);
    expect(pages.length).toBeGreaterThan(100);
    const token = newToken();
    const gw = await start(dir, token);
    const c = await connectOperator(gw.url, token);
    cleanup.push(() => c.close());
    expect((await readyz(gw.port)).status).toBe(200);

    // The running gateway has not read these pages since it started: the next read comes from disk.
    for (const page of pages.slice(40, 56)) await junk(db, (page - 1) * pageSize, pageSize);

    // Reading the old session walks into the damage: retryable UNAVAILABLE, not INTERNAL.
    const read = await rejection(
      (async () => {
        let cursor: string | undefined;
        for (;;) {
          const page = await c.request('chat.history', {
            sessionKey: 'web:old',
            limit: 1000,
            ...(cursor ? { cursor } : {}),
          });
          if (!page.nextCursor) return page;
          cursor = page.nextCursor;
        }
      })(),
    );
    expect(read).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { code: 'STORE_FAILING' } });
    expect(read.details?.kind).toBe('corrupt');

    // A write whose own pages are intact is refused too: it must not be acknowledged on a damaged store.
    const write = await rejection(
      c.request('chat.send', { sessionKey: 'web:new', message: 'hello', idempotencyKey: 'k-new' }),
    );
    expect(write).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { code: 'STORE_FAILING' } });
    expect(write.retryAfterMs).toBeGreaterThan(0);

    const ready = await readyz(gw.port);
    expect(ready.status).toBe(503);
    expect(ready.body.notReady.join('\n')).toMatch(/^store: corrupt: .*SQLITE_CORRUPT/m);
    const status = await c.request('status');
    expect(status.ready).toBe(false);
    expect(status.degraded.join('\n')).toContain('store: corrupt');
    await c.close();
    await gw.stop();

    const again = await spawnGateway({
      stateDir: dir,
      env: { OPENCLAW_GATEWAY_TOKEN: token },
      expectExit: true,
      timeoutMs: 15_000,
    });
    expect((await again.waitForExit()).code).toBe(7);
    expect(again.output()).toContain(`the database ${db} is damaged`);
  });

  it('writes failing under a running gateway (file size limit: EFBIG): send, chat.send and agent answer UNAVAILABLE, nothing is queued, and it recovers', async () => {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const dir = await stateDir();
    await writeFile(
      join(dir, 'openclaw.json'),
      JSON.stringify({
        channels: {
          telegram: tg.account(),
        },
      }),
    );
    const token = newToken();
    const gw = await start(dir, token);
    const c: GatewayClient = await connectOperator(gw.url, token);
    cleanup.push(() => c.close());
    await eventually(async () => (await readyz(gw.port)).status === 200, 10_000, 'ready with telegram');
    expect(
      await c.request('send', { channel: 'telegram', to: '42', message: 'before', idempotencyKey: 's-1' }),
    ).toMatchObject({ status: expect.stringMatching(/queued|delivered/) });
    await tg.waitForSent(1, 8000);

    // From now on every write of the gateway process past the first byte of a file fails, as on
    // a full disk (the kernel answers EFBIG; Node ignores SIGXFSZ).
    const pid = String(gw.child.pid);
    const prlimit = promisify(execFile);
    await prlimit('prlimit', ['--pid', pid, '--fsize=1:unlimited']);
    cleanup.push(() => prlimit('prlimit', ['--pid', pid, '--fsize=unlimited:unlimited']));

    const chat = await rejection(
      c.request('chat.send', { sessionKey: 'web:io', message: 'during', idempotencyKey: 'c-1' }),
    );
    expect(chat).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { code: 'STORE_FAILING' } });
    expect(chat.details?.kind).toBe('io');
    const send = await rejection(
      c.request('send', { channel: 'telegram', to: '42', message: 'during', idempotencyKey: 's-2' }),
    );
    expect(send).toMatchObject({ code: 'UNAVAILABLE', retryable: true, details: { code: 'STORE_FAILING' } });
    const agent = await rejection(c.request('agent', { message: 'during', idempotencyKey: 'a-1' }));
    expect(agent).toMatchObject({ code: 'UNAVAILABLE', details: { code: 'STORE_FAILING' } });
    const ready = await readyz(gw.port);
    expect(ready.status).toBe(503);
    expect(ready.body.notReady.join('\n')).toMatch(/^store: io: disk I\/O error/m);
    expect((await c.request('status')).ready).toBe(false);

    await prlimit('prlimit', ['--pid', pid, '--fsize=unlimited:unlimited']);
    await eventually(async () => (await readyz(gw.port)).status === 200, 15_000, 'ready again');
    // The refused send is retried with its key: queued once, delivered once, after the marker 'before'.
    expect(
      await c.request('send', { channel: 'telegram', to: '42', message: 'during', idempotencyKey: 's-2' }),
    ).toMatchObject({ status: expect.stringMatching(/queued|delivered/) });
    expect(
      await c.request('send', { channel: 'telegram', to: '42', message: 'after', idempotencyKey: 's-3' }),
    ).toBeDefined();
    await tg.waitForSent(3, 8000);
    expect(tg.sentTexts('42')).toEqual(['before', 'during', 'after']);
    expect(
      await c.request('chat.send', { sessionKey: 'web:io', message: 'during', idempotencyKey: 'c-1' }),
    ).toMatchObject({ sessionKey: 'web:io' });
  });
});
