import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebhookReceiver } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { CronRunRecord, Store } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';
import { MAX_PENDING_WEBHOOKS, type PendingWebhook, WebhookQueue } from './webhook-queue.ts';

const log = createLogger({ level: 'silent' });
const settings = () => ({
  token: 'tok-1234',
  policy: { allowedHostnames: ['127.0.0.1'] },
  timeoutMs: 2000,
  attempts: 5,
  delayMs: 20,
});
const run = (runId: string): CronRunRecord => ({
  runId,
  jobId: 'job_1',
  trigger: 'manual',
  status: 'ok',
  scheduledAtMs: 1,
  startedAtMs: 1,
  endedAtMs: 2,
  webhook: true,
});

/** Poll until `fn` returns something truthy. */
async function until<T>(fn: () => Promise<T>, timeoutMs = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the webhook queue', () => {
  const undo: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const u of undo.reverse()) await u();
    undo.length = 0;
  });
  const setup = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-hookq-'));
    undo.push(() => rm(dir, { recursive: true, force: true }));
    const rx = await WebhookReceiver.start();
    undo.push(() => rx.close());
    const open = () => {
      const store = createSqliteStore({ path: join(dir, 'gateway.db') });
      const queue = new WebhookQueue({ store, clock: systemClock, log, settings });
      return { store, queue };
    };
    return { rx, open };
  };
  const delivery = async (store: Store, runId: string) =>
    (await store.cron.runs({ runId, limit: 1 }))[0]?.delivery;

  it('keeps a POST across a restart and delivers it once; one per run', async () => {
    const { rx, open } = await setup();
    const a = open();
    await a.store.cron.putRun(run('cron_a'));
    await a.queue.start();
    rx.answerAlways(503);
    expect(
      await a.queue.enqueue({ runId: 'cron_a', jobId: 'job_1', url: rx.url(), body: '{"n":1}' }),
    ).toBeUndefined();
    // The same run again: nothing changes (its body stays the first).
    await a.queue.enqueue({ runId: 'cron_a', jobId: 'job_1', url: rx.url(), body: '{"n":2}' });
    a.queue.kick('cron_a');
    await until(async () => rx.hits.length >= 1);
    await a.queue.close();
    await a.store.close();

    rx.answerAlways(200);
    const b = open();
    undo.push(() => b.store.close());
    await b.queue.start();
    expect(await until(() => delivery(b.store, 'cron_a'))).toEqual({ status: 'delivered' });
    await b.queue.close();
    expect(rx.accepted().map((h) => h.body)).toEqual(['{"n":1}']);
    expect(rx.accepted()[0]!.headers).toMatchObject({
      authorization: 'Bearer tok-1234',
      'idempotency-key': 'cron_a',
    });
    expect(await b.queue.pending()).toEqual([]);
  });

  it('moves a POST an earlier version stored in one map to its own entry and delivers it', async () => {
    const { rx, open } = await setup();
    const { store, queue } = open();
    undo.push(() => store.close());
    await store.cron.putRun(run('cron_old'));
    const old: PendingWebhook = {
      runId: 'cron_old',
      jobId: 'job_1',
      url: rx.url(),
      body: '{"old":true}',
      attempts: 1,
      nextAttemptAtMs: 0,
      createdAtMs: 0,
    };
    await store.kv.set('cron.webhooks', { cron_old: old });
    rx.answerAlways(200);
    await queue.start();
    expect(await until(() => delivery(store, 'cron_old'))).toEqual({ status: 'delivered' });
    await queue.close();
    expect(rx.accepted().map((h) => [h.body, h.headers['idempotency-key']])).toEqual([
      ['{"old":true}', 'cron_old'],
    ]);
    expect(await store.kv.get('cron.webhooks')).toBeUndefined();
    expect(await store.kv.entries('cron.webhooks')).toEqual([]);
  });

  it('refuses a new POST once too many wait', async () => {
    const { rx, open } = await setup();
    const { store, queue } = open();
    undo.push(() => store.close());
    const full: Record<string, PendingWebhook> = {};
    for (let i = 0; i < MAX_PENDING_WEBHOOKS; i++)
      full[`r${i}`] = {
        runId: `r${i}`,
        jobId: 'j',
        url: rx.url(),
        body: '{}',
        attempts: 0,
        nextAttemptAtMs: Date.now() + 3_600_000,
        createdAtMs: 0,
      };
    await store.kv.set('cron.webhooks', full);
    expect(await queue.enqueue({ runId: 'one-more', jobId: 'j', url: rx.url(), body: '{}' })).toBe(
      `webhook queue full (${MAX_PENDING_WEBHOOKS} waiting)`,
    );
    expect((await queue.pending()).length).toBe(MAX_PENDING_WEBHOOKS);
    await queue.close();
    expect(rx.hits).toEqual([]);
  });
});
