import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { replyOutboxId } from '../sessions/reply-sink.ts';
import { createSqliteStore, type SqliteStore } from '../store/sqlite-store.ts';
import type { CronRunRecord } from '../store/types.ts';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { runRow, settleDelivery } from './run-rows.ts';

// A cron run that delivers learns what became of its message from the outbox record it handed it
// to, read from the store (two store handles on one database: the gateway that ran the job and the
// one that delivered need not be the same).
describe('a cron run’s delivery, from its outbox record', () => {
  const stores: SqliteStore[] = [];
  let dir = '';
  afterEach(async () => {
    for (const s of stores.splice(0)) s.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const open = async () => {
    dir ||= await mkdtemp(join(tmpdir(), 'oc-cron-delivery-'));
    const s = createSqliteStore({ path: join(dir, 'gateway.db') });
    stores.push(s);
    return s;
  };
  const finishedRun = (agentRunId: string): CronRunRecord => ({
    runId: `cron_${agentRunId}`,
    jobId: 'job_1',
    trigger: 'manual',
    status: 'ok',
    scheduledAtMs: 1000,
    startedAtMs: 1000,
    endedAtMs: 2000,
    agentRunId,
    delivers: true,
    outboxId: replyOutboxId(agentRunId),
  });
  const row = async (store: SqliteStore, runId: string) => {
    const [run] = await store.cron.runs({ runId, limit: 1 });
    const { run: settled, pending } = await settleDelivery(store, run!);
    return runRow(settled, false, pending);
  };

  it('shows the run as running while its reply is queued, then delivered', async () => {
    const ran = await open();
    const delivering = await open();
    const run = finishedRun('r1');
    await ran.cron.putRun(run);
    await delivering.outbox.enqueue(queuedOutboxRecord({ id: run.outboxId!, dedupeKey: 'reply|r1' }));
    expect(await row(ran, run.runId)).toMatchObject({ status: 'running', endedAtMs: null });
    expect(await row(ran, run.runId)).not.toHaveProperty('completionStatus');

    await delivering.outbox.update(run.outboxId!, { status: 'delivered', deliveredAtMs: 3000 });
    expect(await row(ran, run.runId)).toMatchObject({
      status: 'ok',
      endedAtMs: 2000,
      deliveryStatus: 'delivered',
      delivered: true,
      completionStatus: 'succeeded',
    });
    // The outcome is kept on the run: the outbox prunes settled records.
    expect(await delivering.outbox.prune(Number.MAX_SAFE_INTEGER)).toBe(1);
    expect(await row(ran, run.runId)).toMatchObject({
      deliveryStatus: 'delivered',
      completionStatus: 'succeeded',
    });
  });

  it('a reply the outbox gave up on fails the run, with the reason', async () => {
    const store = await open();
    const run = finishedRun('r2');
    await store.cron.putRun(run);
    await store.outbox.enqueue(queuedOutboxRecord({ id: run.outboxId!, dedupeKey: 'reply|r2' }));
    await store.outbox.update(run.outboxId!, { status: 'failed', lastError: 'Bad Request: chat not found' });
    expect(await row(store, run.runId)).toMatchObject({
      status: 'ok',
      deliveryStatus: 'not-delivered',
      delivered: false,
      deliveryError: 'Bad Request: chat not found',
      completionStatus: 'failed',
    });
  });

  it('without an outbox record the delivery stays unknown; a failed turn failed whatever it delivers', async () => {
    const store = await open();
    const run = finishedRun('r3');
    await store.cron.putRun(run);
    const unknown = await row(store, run.runId);
    expect(unknown.status).toBe('ok');
    expect(unknown).not.toHaveProperty('deliveryStatus');
    expect(unknown).not.toHaveProperty('completionStatus');
    const failed = { ...finishedRun('r4'), status: 'error' as const, error: 'model down' };
    await store.cron.putRun(failed);
    expect(await row(store, failed.runId)).toMatchObject({ status: 'error', completionStatus: 'failed' });
    expect(await row(store, failed.runId)).not.toHaveProperty('errorReason');
  });

  it('a failed run’s row names why its model failed, as stored with it (the reference’s errorReason)', async () => {
    const store = await open();
    const failed: CronRunRecord = {
      ...finishedRun('r5'),
      status: 'error',
      error: 'the model server is rate limiting (429)',
      errorReason: 'rate_limit',
    };
    await store.cron.putRun(failed);
    expect(await row(store, failed.runId)).toMatchObject({
      status: 'error',
      error: 'the model server is rate limiting (429)',
      errorReason: 'rate_limit',
    });
  });
});
