// A scheduled job whose reply Telegram refuses for good, through a real gateway, a fake
// OpenAI-compatible model and Telegram on its wire-level fake: the run is recorded as executed
// (`status: ok`) but not completed (`deliveryStatus: not-delivered`, `completionStatus: failed`),
// its failure destination (another chat) is told at once, and a one-shot job so affected is kept,
// disabled, where a delivered one is removed.
import { type CleanupList, eventually, runCleanup, telegramAgentGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

type RunRow = { status: string; deliveryStatus?: string; completionStatus?: string; deliveryError?: string };
type Job = { id: string; enabled: boolean; state: { consecutiveErrors?: number } };

describe('cron delivery failures', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('a refused reply alerts the failure destination at once; a one-shot job so affected stays, disabled', async () => {
    const { op, tg } = await telegramAgentGateway(cleanup, {
      model: { script: () => ({ text: ['report'] }) },
    });
    const refuse = () =>
      tg.failNext({ method: 'sendMessage', status: 400, description: 'Bad Request: chat not found' });
    /** Run a job now, or (`scheduled`) wait for the scheduler to fire it; resolves with its row. */
    const run = async (id: string, scheduled = false) => {
      const runId = scheduled ? undefined : (await op.request('cron.run', { id, mode: 'force' })).runId;
      return eventually(async () => {
        const r = ((await op.request('cron.runs', { id, ...(runId ? { runId } : {}) })) as { runs: RunRow[] })
          .runs[0];
        return r && r.status !== 'running' ? r : undefined;
      }, 30_000);
    };
    const add = async (extra: Record<string, unknown>) =>
      (await op.request('cron.add', {
        name: 'digest',
        schedule: { kind: 'every', everyMs: 3_600_000 },
        sessionTarget: 'isolated',
        wakeMode: 'now',
        payload: { kind: 'agentTurn', message: 'daily digest' },
        delivery: { mode: 'announce', channel: 'telegram', to: '5501' },
        ...extra,
      })) as Job;

    const job = await add({
      delivery: {
        mode: 'announce',
        channel: 'telegram',
        to: '5501',
        failureDestination: { channel: 'telegram', to: '5502' },
      },
    });
    refuse();
    expect(await run(job.id)).toMatchObject({
      status: 'ok',
      deliveryStatus: 'not-delivered',
      completionStatus: 'failed',
      deliveryError: expect.stringContaining('chat not found'),
    });
    const alert = 'Automation "digest" delivery failed\nCheck automation history for details.';
    await eventually(() => tg.sentTexts('5502').includes(alert), 30_000);
    expect(((await op.request('cron.get', { id: job.id })) as Job).state).toMatchObject({
      consecutiveErrors: 0,
      lastDeliveryStatus: 'not-delivered',
      lastDelivered: false,
    });

    // One-shot jobs fired at their time (a run by hand before then would keep them for that time).
    const soon = () => ({ kind: 'at', at: new Date(Date.now() + 1500).toISOString() });
    const refused = await add({ name: 'once', schedule: soon(), deleteAfterRun: true });
    refuse();
    expect(await run(refused.id, true)).toMatchObject({ status: 'ok', completionStatus: 'failed' });
    await eventually(
      async () => ((await op.request('cron.get', { id: refused.id })) as Job).enabled === false,
      30_000,
    );
    const delivered = await add({ name: 'once', schedule: soon(), deleteAfterRun: true });
    expect(await run(delivered.id, true)).toMatchObject({ completionStatus: 'succeeded' });
    await eventually(async () => {
      const { jobs } = (await op.request('cron.list', { includeDisabled: true })) as { jobs: Job[] };
      return !jobs.some((j) => j.id === delivered.id);
    }, 30_000);
    expect(tg.sentTexts('5502')).toEqual([alert]);
  }, 120_000);
});
