// Bounded growth. One operator.write client doing chat.send with 90 KB messages once grew
// gateway.db to 798 MB in 40 s. Now the message size, the history kept per session (count and
// bytes, pruned on every write) and the side-effecting request rate of one connection are bounded;
// a client over a bound gets a typed error, never a bigger database.
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { GatewayClient } from '@openclaw/protocol';
import {
  connectOperator,
  type GatewayProcess,
  newToken,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const MAX_SESSION_BYTES = 2 * 1024 * 1024;
const MAX_MESSAGE_BYTES = 95_000;

async function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}

async function rssBytes(pid: number): Promise<number> {
  const m = /VmRSS:\s+(\d+) kB/.exec(await readFile(`/proc/${pid}/status`, 'utf8'));
  return Number(m?.[1] ?? 0) * 1024;
}

type Failure = {
  code?: string;
  detailCode?: string;
  retryable?: boolean;
  retryAfterMs?: number;
  details?: unknown;
};

describe('issue 15: bounded growth', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  async function start(config: Record<string, unknown>): Promise<{ gw: GatewayProcess; c: GatewayClient }> {
    const dir = await tempStateDir();
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'openclaw.json'), JSON.stringify(config));
    const token = newToken();
    const gw = await spawnGateway({ stateDir: dir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    cleanup.push(() => gw.stop());
    const c = await connectOperator(gw.url, token);
    cleanup.push(() => c.close());
    return { gw, c };
  }

  it('a client hammering chat.send with 90 KB messages: the session and the database stay under their bounds', async ({
    annotate,
  }) => {
    const { gw, c } = await start({
      sessions: { maxBytesPerSession: MAX_SESSION_BYTES },
      limits: { maxMessageBytes: MAX_MESSAGE_BYTES, writesPerSecond: 5, writeBurst: 10 },
    });
    const db = join(gw.stateDir, 'gateway.db');
    const rssBefore = await rssBytes(gw.child.pid!);
    const message = 'm'.repeat(90_000);
    let ok = 0;
    let rateLimited = 0;
    const other: Failure[] = [];
    let seen: Failure | undefined;
    let n = 0;
    const started = Date.now();
    const until = started + 5000;
    // Four requests in flight, never waiting for retryAfterMs: a client that does not care.
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (Date.now() < until) {
          try {
            await c.request('chat.send', { sessionKey: 'web:flood', message, idempotencyKey: `k-${n++}` });
            ok++;
          } catch (error) {
            const e = error as Failure;
            if (e.detailCode === 'RATE_LIMITED') {
              rateLimited++;
              seen ??= e;
            } else other.push(e);
          }
        }
      }),
    );
    const elapsedS = (Date.now() - started) / 1000;
    expect(other).toEqual([]);
    // The burst (10) and then 5 a second went through; the rest was refused, typed.
    expect(ok).toBeGreaterThanOrEqual(10);
    expect(ok).toBeLessThanOrEqual(10 + Math.ceil(5 * elapsedS));
    expect(rateLimited).toBeGreaterThan(0);
    expect(seen).toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      details: { limit: 'limits.writesPerSecond' },
    });
    expect(seen!.retryAfterMs).toBeGreaterThan(0);
    expect(seen!.retryAfterMs).toBeLessThanOrEqual(1000);

    // Let the runs still queued behind each other finish, then measure.
    const settled = Date.now() + 30_000;
    while ((await c.request('sessions.list', {})).sessions.some((x) => x.activeRunId)) {
      if (Date.now() > settled) throw new Error('runs did not settle');
      await new Promise((r) => setTimeout(r, 50));
    }
    const sessionBytes = (() => {
      const r = new DatabaseSync(db, { readOnly: true });
      const row = r
        .prepare(
          `SELECT COUNT(*) AS n, SUM(length(CAST(data AS BLOB))) AS bytes FROM session_messages WHERE session_key = ?`,
        )
        .get('web:flood') as { n: number; bytes: number };
      const runs = r.prepare('SELECT COUNT(*) AS n FROM runs').get() as { n: number };
      // What the rows occupy, wherever their pages are now (the database file or the WAL).
      const pages = r
        .prepare('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()')
        .get() as {
        bytes: number;
      };
      r.close();
      return { ...row, runs: runs.n, dbBytes: pages.bytes };
    })();
    const wal = await fileSize(`${db}-wal`);
    const files = (await fileSize(db)) + wal;
    const rssGrowth = (await rssBytes(gw.child.pid!)) - rssBefore;
    await annotate(
      `${ok} accepted, ${rateLimited} rate-limited; session ${sessionBytes.n} messages / ${sessionBytes.bytes} bytes, ${sessionBytes.runs} runs kept; database ${sessionBytes.dbBytes} bytes, db+wal files ${files} bytes; RSS change ${Math.round(rssGrowth / 1e6)} MB`,
    );
    expect(sessionBytes.bytes).toBeLessThanOrEqual(MAX_SESSION_BYTES);
    // ~22 messages of 90 KB fit; their runs (prompt and reply, ~180 KB each) stay with them.
    expect(sessionBytes.runs).toBeLessThanOrEqual(sessionBytes.n);
    // What the flood can leave: the history (2 MiB) and its runs (about as much again), runs still
    // queued when the peak was reached, and small idempotency records.
    expect(sessionBytes.dbBytes).toBeLessThan(12 * 1024 * 1024);
    // Writes that never pause are checkpointed once the WAL holds 64 MiB (docs/ARCHITECTURE.md);
    // the file can hold a little more, written while that checkpoint ran.
    expect(wal).toBeLessThan(80 * 1024 * 1024);
    const history = await c.request('chat.history', { sessionKey: 'web:flood', limit: 1000 });
    expect(history.messages.length).toBe(sessionBytes.n);
    expect(history.messages.at(-1)?.role).toBe('assistant');
  }, 60_000);

  it('a message over limits.maxMessageBytes is refused with MESSAGE_TOO_LARGE naming the limit; nothing is stored', async () => {
    const { c } = await start({ limits: { maxMessageBytes: MAX_MESSAGE_BYTES } });
    const big = 'é'.repeat(50_000); // 50,000 characters, 100,000 bytes in UTF-8
    for (const [method, params] of [
      ['chat.send', { sessionKey: 'web:big', message: big, idempotencyKey: 'b-1' }],
      ['agent', { sessionKey: 'web:big', message: big, idempotencyKey: 'b-2' }],
      ['send', { to: '42', message: big, idempotencyKey: 'b-3' }],
    ] as const) {
      const e = (await c.request(method as 'chat.send', params as never).then(
        () => undefined,
        (x: unknown) => x as Failure,
      )) as Failure;
      expect(e, method).toMatchObject({
        code: 'INVALID_REQUEST',
        detailCode: 'MESSAGE_TOO_LARGE',
        details: { limit: 'limits.maxMessageBytes', limitBytes: MAX_MESSAGE_BYTES, sizeBytes: 100_000 },
      });
    }
    expect((await c.request('sessions.list', {})).total).toBe(0);
    // Just under the limit is taken.
    const fits = 'é'.repeat(47_000);
    expect(
      await c.request('chat.send', { sessionKey: 'web:big', message: fits, idempotencyKey: 'b-4' }),
    ).toMatchObject({ sessionKey: 'web:big' });
  });

  it('over the write rate: typed RATE_LIMITED with retryAfterMs, and a retry after that wait is served', async () => {
    const { c } = await start({ limits: { writesPerSecond: 2, writeBurst: 3 } });
    const send = (i: number) =>
      c.request('chat.send', { sessionKey: 'web:rate', message: `m${i}`, idempotencyKey: `r-${i}` });
    // All at once, so a slow machine cannot refill the bucket between them: the burst of 3 is
    // served, and whatever came after it is refused.
    const outcomes = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(send));
    const served = outcomes.filter((o) => o.status === 'fulfilled').length;
    expect(served).toBeGreaterThanOrEqual(3);
    expect(served).toBeLessThan(6);
    const e = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected')!.reason as Failure;
    expect(e).toMatchObject({ code: 'UNAVAILABLE', detailCode: 'RATE_LIMITED', retryable: true });
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.retryAfterMs).toBeLessThanOrEqual(500);
    expect(e.details).toMatchObject({ limit: 'limits.writesPerSecond' });
    // Reads are not counted.
    expect((await c.request('sessions.list', {})).total).toBe(1);
    await new Promise((r) => setTimeout(r, e.retryAfterMs));
    expect(await send(6)).toMatchObject({ sessionKey: 'web:rate' });
  });

  it('over the write bytes: a few large frames use the byte bucket up; the refusal names it and says when', async () => {
    const { c } = await start({ limits: { writeBytesPerSecond: 10_000, writeBurstBytes: 200_000 } });
    const big = 'b'.repeat(90_000);
    const send = (i: number) =>
      c.request('chat.send', { sessionKey: 'web:bytes', message: big, idempotencyKey: `y-${i}` });
    await send(0);
    await send(1);
    const e = (await send(2).then(
      () => undefined,
      (x: unknown) => x as Failure,
    )) as Failure;
    expect(e).toMatchObject({
      code: 'UNAVAILABLE',
      detailCode: 'RATE_LIMITED',
      details: { limit: 'limits.writeBytesPerSecond' },
    });
    // About 70 KB short at 10 KB/s: some seconds (less whatever refilled while the first two ran).
    expect(e.retryAfterMs).toBeGreaterThan(1000);
    expect(e.retryAfterMs).toBeLessThanOrEqual(9000);
    // Small requests still fit in what is left.
    expect(
      await c.request('chat.send', { sessionKey: 'web:bytes', message: 'small', idempotencyKey: 'y-s' }),
    ).toMatchObject({ sessionKey: 'web:bytes' });
  });
});
