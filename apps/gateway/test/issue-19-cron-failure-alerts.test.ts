// Failure alerts of a scheduled job, through a real gateway, a fake OpenAI-compatible model that
// fails when told to, and Telegram on its wire-level fake: a job announcing to a chat fails twice
// (a restart between the two keeps the count) and the chat gets one alert; a third failure within
// the cooldown sends nothing; a success sends one recovery notice.
import { type CleanupList, eventually, runCleanup, telegramAgentGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

type RunRow = { status: string };
type Job = { id: string; state: { consecutiveErrors?: number; lastFailureAlertAtMs?: number } };

describe('cron failure alerts', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('two failed runs (a restart between) alert the chat once; a third within the cooldown does not; a success sends one recovery notice', async () => {
    const rig = await telegramAgentGateway(cleanup, { model: { script: () => ({ text: ['all good'] }) } });
    const { llm, tg, start } = rig;
    let { gw, op } = rig;

    // The reference layout: an isolated turn announcing to a Telegram chat, alerts at their defaults.
    const job = (await op.request('cron.add', {
      name: 'digest',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'daily digest' },
      delivery: { mode: 'announce', channel: 'telegram', to: '5501' },
    })) as Job;
    const run = async (fail: boolean) => {
      // A 400 is not retried: the run fails at once.
      if (fail) llm.failNext({ status: 400, description: 'model refused' });
      const { runId } = await op.request('cron.run', { id: job.id, mode: 'force' });
      const row = await eventually(async () => {
        const r = ((await op.request('cron.runs', { id: job.id, runId: runId! })) as { runs: RunRow[] })
          .runs[0];
        return r && r.status !== 'running' ? r : undefined;
      }, 30_000);
      expect(row.status).toBe(fail ? 'error' : 'ok');
      return (await op.request('cron.get', { id: job.id })) as Job;
    };

    expect((await run(true)).state.consecutiveErrors).toBe(1);
    await gw.stop();
    ({ gw, op } = await start());
    // The count survived the restart: this second failure is the threshold.
    const alerted = await run(true);
    expect(alerted.state).toMatchObject({ consecutiveErrors: 2, lastFailureAlertAtMs: expect.any(Number) });
    const alert = 'Automation "digest" failed 2 times\nCheck automation history for details.';
    await eventually(() => tg.sentTexts('5501').includes(alert), 30_000);

    // Within the cooldown (and the same incident): counted, not sent.
    expect((await run(true)).state).toMatchObject({
      consecutiveErrors: 3,
      lastFailureAlertAtMs: alerted.state.lastFailureAlertAtMs,
    });
    expect((await run(false)).state.consecutiveErrors).toBe(0);
    // The run recovers once its reply is delivered (its completion, as the reference's).
    await eventually(async () => {
      const { state } = (await op.request('cron.get', { id: job.id })) as Job;
      return state.lastFailureAlertAtMs === undefined;
    }, 30_000);
    const recovery = 'Automation "digest" recovered\nThe latest run completed successfully.';
    await eventually(() => tg.sentTexts('5501').includes(recovery), 30_000);
    // The successful run's own reply; nothing else (the third failure sent nothing).
    await eventually(() => tg.sentTexts('5501').includes('all good'), 30_000);
    expect([...tg.sentTexts('5501')].sort()).toEqual([alert, recovery, 'all good'].sort());
  }, 120_000);
});
