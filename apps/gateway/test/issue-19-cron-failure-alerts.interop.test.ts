// Opt-in (`pnpm test:interop`): a cron job's failure alerts set through the reference CLI against
// our gateway, a real process whose model is a fake OpenAI-compatible server that fails when told.
// `cron edit --failure-alert-after 1 --failure-alert-mode webhook --failure-alert-to <url>`: the job
// keeps the policy (`cron show` prints it); a failed `cron run --wait` POSTs the alert to the URL in
// the reference's body; a successful one the recovery notice; `--no-failure-alert` turns it off.
// `cron add --best-effort-deliver` and `cron edit --failure-alert-include-skipped`: the job keeps
// both; runs skipped while the previous one is still going POST a skipped-runs alert.
// A job announcing to a chat no channel serves: `cron run --wait` fails (the run executed, its
// completion failed), the failure webhook is told at once with "delivery failed", `cron runs`
// shows the reference's delivery and completion status; with `--best-effort-deliver` it succeeds.
// A job whose turn answers nothing: `cron run --wait` succeeds, `cron runs` shows the delivery
// suppressed (`silent`) and `cron list` "ok (suppressed)". A job whose runs fail 10 times in a row,
// the last a scheduled one, is turned off: `cron list --all` shows "disabled (10x)"; `cron enable`
// resets the streak.
import { type FakeOpenAi, messageText, WebhookReceiver, waitFor } from '@openclaw/test-fakes';
import { connectOperator } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronRunWaitArgs } from './reference-clients.ts';
import { type ModelGateway, modelGateway } from './reference-gateway.ts';

const TOKEN = 'interop-token-cron-alerts-0123456789';

describe("a cron job's failure alerts through the reference CLI (issue 19)", () => {
  let g: ModelGateway;
  let llm: FakeOpenAi;
  let rx: WebhookReceiver;
  const cli = (args: string[]) => g.cli(args);
  const jobIdOf = (out: string) => /"id": "(job_[\w-]+)"/.exec(out)?.[1];

  beforeAll(async () => {
    g = await modelGateway({
      token: TOKEN,
      // A turn told to say nothing answers nothing.
      model: { reply: (req) => (messageText(req.messages.at(-1)!).includes('say nothing') ? [] : ['fine']) },
      openai: { model: 'm' },
      config: { cron: { webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'] } } },
    });
    ({ llm } = g);
    rx = await WebhookReceiver.start();
  });
  afterAll(async () => {
    await g?.close();
    await rx?.close();
  });

  it('cron edit --failure-alert-*: a failed cron run POSTs the alert, a successful one the recovery; --no-failure-alert turns it off', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-alerts',
      '--every',
      '1h',
      '--message',
      'tick',
      '--no-deliver',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = jobIdOf(add.out)!;
    expect(id, add.out).toBeDefined();
    const url = rx.url('/alerts');
    const edit = await cli([
      'cron',
      'edit',
      id,
      '--failure-alert-after',
      '1',
      '--failure-alert-cooldown',
      '10m',
      '--failure-alert-mode',
      'webhook',
      '--failure-alert-to',
      url,
    ]);
    expect(edit.code, edit.out).toBe(0);
    const show = await cli(['cron', 'show', id, '--json']);
    expect(show.code, show.out).toBe(0);
    expect(show.out).toContain('"failureAlert"');
    expect(show.out).toMatch(/"after": 1/);
    expect(show.out).toMatch(/"cooldownMs": 600000/);

    llm.failNext({ status: 400, description: 'model refused' });
    const failed = await cli(cronRunWaitArgs(id));
    expect(failed.code, failed.out).toBe(1);
    await waitFor(() => rx.hits.length === 1, 10_000, 'the failure alert');
    expect(JSON.parse(rx.hits[0]!.body)).toMatchObject({
      jobId: id,
      jobName: 'interop-alerts',
      message: expect.stringMatching(/^Automation "interop-alerts" failed 1 times\nLast error: /),
      runAtMs: expect.any(Number),
    });
    const ok = await cli(cronRunWaitArgs(id));
    expect(ok.code, ok.out).toBe(0);
    await waitFor(() => rx.hits.length === 2, 10_000, 'the recovery notice');
    expect(JSON.parse(rx.hits[1]!.body).message).toBe(
      'Automation "interop-alerts" recovered\nThe latest run completed successfully.',
    );

    const off = await cli(['cron', 'edit', id, '--no-failure-alert']);
    expect(off.code, off.out).toBe(0);
    expect((await cli(['cron', 'show', id, '--json'])).out).toMatch(/"failureAlert": false/);
    llm.failNext({ status: 400, description: 'model refused' });
    expect((await cli(cronRunWaitArgs(id))).code).toBe(1);
    // A marker run afterwards: by the time it is over, an alert of the failure would have been queued.
    expect((await cli(cronRunWaitArgs(id))).code).toBe(0);
    expect(rx.hits).toHaveLength(2);
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  }, 180_000);
  it('cron add --best-effort-deliver, cron edit --failure-alert-include-skipped: kept; skipped runs (the previous still going) alert', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-skips',
      '--every',
      '1h',
      '--message',
      'slow tick',
      '--announce',
      '--channel',
      'telegram',
      '--to',
      '42',
      '--best-effort-deliver',
    ]);
    expect(add.code, add.out).toBe(0);
    expect(add.out).toMatch(/"bestEffort": true/);
    const id = jobIdOf(add.out)!;
    const url = rx.url('/skips');
    const edit = await cli([
      'cron',
      'edit',
      id,
      '--failure-alert-include-skipped',
      '--failure-alert-after',
      '2',
      '--failure-alert-mode',
      'webhook',
      '--failure-alert-to',
      url,
    ]);
    expect(edit.code, edit.out).toBe(0);
    const show = await cli(['cron', 'show', id, '--json']);
    expect(show.out).toMatch(/"includeSkipped": true/);
    expect(show.out).toMatch(/"bestEffort": true/);
    const hits = () => rx.hits.filter((h) => h.path === '/skips');
    const release = llm.hold();
    try {
      for (let i = 0; i < 3; i++) {
        const run = await cli(['cron', 'run', id]);
        expect(run.code, run.out).toBe(0);
      }
      await waitFor(() => hits().length === 1, 10_000, 'the skipped-runs alert');
      expect(JSON.parse(hits()[0]!.body).message).toBe(
        'Automation "interop-skips" skipped 2 times\nSkip reason: the previous run of this job is still going',
      );
    } finally {
      release();
    }
    const off = await cli(['cron', 'edit', id, '--no-best-effort-deliver']);
    expect(off.code, off.out).toBe(0);
    expect((await cli(['cron', 'show', id, '--json'])).out).not.toMatch(/"bestEffort"/);
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  }, 180_000);

  it('a delivery that fails: cron run --wait fails at once with an alert; --best-effort-deliver completes the run', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-delivery',
      '--every',
      '1h',
      '--message',
      'tick',
      '--announce',
      '--channel',
      'telegram',
      '--to',
      '42',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = jobIdOf(add.out)!;
    const url = rx.url('/delivery');
    const edit = await cli([
      'cron',
      'edit',
      id,
      '--failure-alert-mode',
      'webhook',
      '--failure-alert-to',
      url,
    ]);
    expect(edit.code, edit.out).toBe(0);
    const hits = () => rx.hits.filter((h) => h.path === '/delivery');

    const failed = await cli(cronRunWaitArgs(id));
    expect(failed.code, failed.out).toBe(1);
    await waitFor(() => hits().length === 1, 10_000, 'the delivery-failure alert');
    // At once (the threshold is for failed runs), with the delivery error for the webhook.
    expect(JSON.parse(hits()[0]!.body).message).toMatch(
      /^Automation "interop-delivery" delivery failed\nLast error: /,
    );
    const runs = await cli(['cron', 'runs', '--id', id, '--json']);
    expect(runs.code, runs.out).toBe(0);
    expect(runs.out).toMatch(/"status": "ok"/);
    expect(runs.out).toMatch(/"deliveryStatus": "not-delivered"/);
    expect(runs.out).toMatch(/"completionStatus": "failed"/);

    expect((await cli(['cron', 'edit', id, '--best-effort-deliver'])).code).toBe(0);
    const ok = await cli(cronRunWaitArgs(id));
    expect(ok.code, ok.out).toBe(0);
    // It completed: the incident is over (the job's own failureAlert keeps the recovery notice).
    await waitFor(() => hits().length === 2, 10_000, 'the recovery notice');
    expect(JSON.parse(hits()[1]!.body).message).toMatch(/^Automation "interop-delivery" recovered/);
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  }, 180_000);

  it('a turn that answers nothing: cron run --wait succeeds, cron runs shows the delivery suppressed, cron list "ok (suppressed)"', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-quiet',
      '--every',
      '1h',
      '--message',
      'say nothing',
      '--announce',
      '--channel',
      'telegram',
      '--to',
      '42',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = jobIdOf(add.out)!;
    const run = await cli(cronRunWaitArgs(id));
    expect(run.code, run.out).toBe(0);
    const runs = await cli(['cron', 'runs', '--id', id, '--json']);
    expect(runs.code, runs.out).toBe(0);
    expect(runs.out).toMatch(/"deliveryStatus": "not-delivered"/);
    expect(runs.out).toMatch(/"deliverySuppressionReason": "silent"/);
    expect(runs.out).toMatch(/"completionStatus": "succeeded"/);
    const list = await cli(['cron', 'list']);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toMatch(/interop-quiet.*ok \(suppressed\)/);
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  }, 180_000);

  it('10 failed runs in a row, the last a scheduled one: cron list --all shows the job "disabled (10x)", cron enable resets the streak', async () => {
    llm.failNext({ status: 400, description: 'model refused', times: 10 });
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-off',
      '--every',
      '1h',
      '--message',
      'tick',
      '--no-deliver',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = jobIdOf(add.out)!;
    const show = async () => JSON.parse((await cli(['cron', 'show', id, '--json'])).out);
    // Runs by hand count in the streak but neither turn the job off nor back it off (as in the
    // reference); scheduled ones back off after each failure, so only the tenth is scheduled. The
    // nine by hand go straight to the gateway (the CLI's `cron run` is tested above).
    const op = await connectOperator(g.gw.url, TOKEN, { scopes: ['operator.admin'] });
    try {
      for (let i = 0; i < 9; i++) {
        const { runId } = (await op.request('cron.run', { id, mode: 'force' })) as { runId: string };
        await waitFor(
          async () => {
            const { runs } = (await op.request('cron.runs', { id, runId })) as { runs: { status: string }[] };
            return runs[0]?.status === 'error';
          },
          10_000,
          'the run by hand failed',
        );
      }
    } finally {
      await op.close();
    }
    expect((await show()).state).toMatchObject({ consecutiveErrors: 9 });
    expect((await show()).enabled).toBe(true);
    expect((await cli(['cron', 'edit', id, '--every', '1s'])).code).toBe(0);
    await waitFor(async () => (await show()).enabled === false, 60_000, 'the job turned off');
    expect((await show()).state).toMatchObject({
      consecutiveErrors: 10,
      autoDisabled: { reason: 'consecutive-failures', consecutiveErrors: 10 },
    });
    const list = await cli(['cron', 'list', '--all']);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toMatch(/interop-off.*disabled \(10x\)/);
    expect((await cli(['cron', 'enable', id])).code).toBe(0);
    const again = await show();
    expect(again.enabled).toBe(true);
    expect(again.state.consecutiveErrors).toBe(0);
    expect(again.state.autoDisabled).toBeUndefined();
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  }, 180_000);
});
