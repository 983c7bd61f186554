// Cron webhook delivery through a real gateway process, posting to a real HTTP receiver on
// loopback: a POST the receiver fails is retried with backoff and then delivered; and a gateway
// killed after the run was accepted but before its POST got through delivers it after the
// restart, exactly once, with the run recorded delivered.
import { rm } from 'node:fs/promises';
import { WebhookReceiver } from '@openclaw/test-fakes';
import {
  type CleanupList,
  connectOperator,
  eventually,
  newToken,
  runCleanup,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

type RunRow = { status: string; deliveryStatus?: string; deliveryError?: string };
const HOOK_TOKEN = 'hook-token-8d1e0c7f3a9b2465';

describe('cron webhook delivery through a gateway process', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  async function setup() {
    const rx = await WebhookReceiver.start();
    cleanup.push(() => rx.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    const token = newToken();
    const config = {
      cron: {
        webhookToken: HOOK_TOKEN,
        webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'] },
        webhookRetry: { attempts: 10, delayMs: 300 },
      },
    };
    const start = async () => {
      const gw = await spawnGateway({ stateDir, token, config });
      cleanup.push(() => gw.stop());
      const op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
      cleanup.push(() => op.close());
      const call = (method: string, params: unknown) =>
        (op.request as (m: string, p: unknown) => Promise<unknown>)(method, params);
      const row = async (id: string, runId: string) =>
        ((await call('cron.runs', { id, runId })) as { runs: RunRow[] }).runs[0];
      return { gw, call, row };
    };
    return { rx, start };
  }

  const addJob = (call: (m: string, p: unknown) => Promise<unknown>, url: string) =>
    call('cron.add', {
      name: 'hook',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'report' },
      delivery: { mode: 'webhook', to: url },
    }) as Promise<{ id: string }>;
  const run = async (call: (m: string, p: unknown) => Promise<unknown>, id: string) =>
    ((await call('cron.run', { id, mode: 'force' })) as { runId: string }).runId;

  it('a POST the receiver fails is retried, then delivered once', async () => {
    const { rx, start } = await setup();
    const { call, row } = await start();
    const job = await addJob(call, rx.url());
    rx.answer(503, 502);
    const runId = await run(call, job.id);
    const done = await eventually(async () => {
      const r = await row(job.id, runId);
      return r?.deliveryStatus ? r : undefined;
    }, 30_000);
    expect(done).toMatchObject({ status: 'ok', deliveryStatus: 'delivered' });
    expect(rx.hits.map((h) => h.status)).toEqual([503, 502, 200]);
    // Every try is the same POST: the same key, the same body, the token.
    expect(new Set(rx.hits.map((h) => h.headers['idempotency-key']))).toEqual(new Set([runId]));
    expect(new Set(rx.hits.map((h) => h.body)).size).toBe(1);
    expect(rx.hits.every((h) => h.headers.authorization === `Bearer ${HOOK_TOKEN}`)).toBe(true);
    expect(rx.acceptedBodies()).toMatchObject([
      { jobId: job.id, runId, status: 'ok', summary: 'echo: report' },
    ]);
  });

  it('a gateway killed before the POST got through delivers it after the restart, once', async () => {
    const { rx, start } = await setup();
    const first = await start();
    const job = await addJob(first.call, rx.url());
    rx.answerAlways(503);
    const runId = await run(first.call, job.id);
    // The run was accepted and its POST tried (and failed): it is stored, waiting for a retry.
    await eventually(() => rx.hits.length >= 1, 30_000);
    expect((await first.row(job.id, runId))?.status).toBe('running');
    await first.gw.stop('SIGKILL');
    rx.answerAlways(200);

    const second = await start();
    const done = await eventually(async () => {
      const r = await second.row(job.id, runId);
      return r?.deliveryStatus ? r : undefined;
    }, 30_000);
    expect(done).toMatchObject({ status: 'ok', deliveryStatus: 'delivered' });
    // Absence after a marker: another run of the job is posted, and the first came only once.
    const marker = await run(second.call, job.id);
    await eventually(async () => (await second.row(job.id, marker))?.deliveryStatus === 'delivered', 30_000);
    expect(rx.acceptedBodies().map((b) => b.runId)).toEqual([runId, marker]);
    expect(
      rx.hits.every((h) => h.headers['idempotency-key'] === runId || h.headers['idempotency-key'] === marker),
    ).toBe(true);
  });
});
