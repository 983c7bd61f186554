// Main-session cron jobs (the reference's `cron add --session main --system-event …`) through a real
// core, a real WebSocket and a fake OpenAI-compatible server: the event is stored in the agent's
// main session; with wakeMode now a turn of that session answers it at once, with next-heartbeat it
// waits there and the session's next turn reads it. Requests are checked against the reference's
// published schema first, and the jobs read back in its view.
import { type ChatRequest, FakeOpenAi, messageText, WebhookReceiver } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { cronCalls } from './cron-calls.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup() {
  const fake = await FakeOpenAi.start({
    script: (req: ChatRequest) => ({ text: [`noted: ${messageText(req.messages.at(-1)!)}`] }),
  });
  cleanup.push(() => fake.close());
  const rx = await WebhookReceiver.start();
  cleanup.push(() => rx.close());
  const h: Harness = await startHarness({
    config: {
      cron: { enabled: false, webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'] } },
      agent: {
        backend: 'openai-compatible',
        openai: { baseUrl: fake.baseUrl, model: 'm', apiKeyEnv: 'OC_TEST_NO_KEY' },
      },
      agents: { list: [{ id: 'ops' }] },
    },
  });
  cleanup.push(() => h.close());
  const c = await h.operator({ scopes: ['operator.read', 'operator.write', 'operator.admin'] });
  const { call, add, runToEnd, history } = cronCalls(c);
  return { fake, rx, h, call, add, runToEnd, history };
}

/** What the reference CLI sends for `cron add --name … --every 1h --session main --system-event …`. */
const mainJob = (name: string, text: string, over: Record<string, unknown> = {}) => ({
  name,
  enabled: true,
  schedule: { kind: 'every', everyMs: 3_600_000 },
  sessionTarget: 'main',
  wakeMode: 'now',
  payload: { kind: 'systemEvent', text },
  ...over,
});

describe('main-session cron jobs', () => {
  it('wakeMode now: the event is stored in the main session and a turn there answers it at once', async () => {
    const { fake, add, runToEnd, history } = await setup();
    const job = await add(mainJob('calendar', 'Next heartbeat: check calendar.'));
    expect(job).toMatchObject({
      action: { kind: 'systemEvent', text: 'Next heartbeat: check calendar.', wakeMode: 'now' },
      sessionTarget: 'main',
      wakeMode: 'now',
      payload: { kind: 'systemEvent', text: 'Next heartbeat: check calendar.' },
    });
    expect(job.delivery).toBeUndefined();
    for (const field of ['sessionTarget', 'wakeMode', 'payload', 'state'])
      expect(referenceSubErrors('CronJob', ['properties', field], job[field]), field).toBe('');

    const run = await runToEnd(job.id);
    expect(run).toMatchObject({ deliveryStatus: 'not-requested', completionStatus: 'succeeded' });
    expect(run.agentRunId).toEqual(expect.any(String));
    // The turn was told of the event as the reference tells it: a System line, not the user speaking.
    expect(fake.requests).toHaveLength(1);
    expect(messageText(fake.requests[0]!.messages.at(-1)!)).toBe('System: Next heartbeat: check calendar.');
    expect(await history('agent:main:main')).toEqual([
      ['system', 'Next heartbeat: check calendar.'],
      ['assistant', 'noted: System: Next heartbeat: check calendar.'],
    ]);
  });

  it("wakeMode next-heartbeat: the event waits in the main session and its next turn reads it; a job's agent is its main session's", async () => {
    const { fake, h, call, add, runToEnd, history } = await setup();
    const job = await add(
      mainJob('later', 'Remind about the invoice.', { wakeMode: 'next-heartbeat', agentId: 'ops' }),
    );
    expect(referenceSubErrors('CronJob', ['properties', 'wakeMode'], job.wakeMode)).toBe('');
    const run = await runToEnd(job.id);
    // Nothing to wait for: the event is queued, which is the whole run.
    expect(run).toMatchObject({ deliveryStatus: 'not-requested', completionStatus: 'succeeded' });
    expect(run.agentRunId).toBeUndefined();
    expect(await history('agent:ops:main')).toEqual([['system', 'Remind about the invoice.']]);
    // It is kept in the store, not in memory: the transcript row is there.
    expect((await h.core.store.sessions.history('agent:ops:main', { limit: 10 })).map((m) => m.role)).toEqual(
      ['system'],
    );
    expect(fake.requests).toHaveLength(0);

    // The session's next turn (an operator's message) reads it with its history.
    const sent = await call<{ runId: string }>('chat.send', {
      sessionKey: 'agent:ops:main',
      message: 'anything due?',
      idempotencyKey: 'k-1',
    });
    await call('agent.wait', { runId: sent.runId, timeoutMs: 10_000 });
    expect(fake.requests).toHaveLength(1);
    const msgs = fake.requests[0]!.messages.map((m) => [m.role, messageText(m)]);
    expect(msgs).toContainEqual(['system', 'Remind about the invoice.']);
    expect(msgs.at(-1)).toEqual(['user', 'anything due?']);
    expect((await history('agent:ops:main')).at(-1)).toEqual(['assistant', 'noted: anything due?']);
  });

  it('cron.update edits the event and its wake mode; refuses an agent turn or a chat target on it, by field', async () => {
    const { call, add } = await setup();
    const job = await add(mainJob('edit-me', 'first'));
    const update = async (patch: Record<string, unknown>) => {
      expect(referenceErrors('CronUpdateParams', { id: job.id, patch })).toBe('');
      return call<Record<string, unknown>>('cron.update', { id: job.id, patch });
    };
    expect(await update({ payload: { kind: 'systemEvent', text: 'second' } })).toMatchObject({
      action: { kind: 'systemEvent', text: 'second', wakeMode: 'now' },
      payload: { kind: 'systemEvent', text: 'second' },
    });
    expect(await update({ wakeMode: 'next-heartbeat' })).toMatchObject({
      action: { kind: 'systemEvent', text: 'second', wakeMode: 'next-heartbeat' },
      wakeMode: 'next-heartbeat',
    });
    // Its route (sessionKey) and a webhook are set and cleared as the reference's patches say.
    expect(await update({ sessionKey: 'telegram:default:42' })).toMatchObject({
      action: { kind: 'systemEvent', routeSessionKey: 'telegram:default:42' },
      sessionKey: 'telegram:default:42',
    });
    const hooked = await update({ delivery: { mode: 'webhook', to: 'https://example.com/h' } });
    expect(hooked).toMatchObject({
      action: {
        kind: 'systemEvent',
        webhook: 'https://example.com/h',
        routeSessionKey: 'telegram:default:42',
      },
      delivery: { mode: 'webhook', to: 'https://example.com/h' },
    });
    expect(referenceSubErrors('CronJob', ['properties', 'delivery'], hooked.delivery)).toBe('');
    const cleared = await update({ delivery: { mode: 'none' }, sessionKey: null });
    expect(cleared.action).toEqual({ kind: 'systemEvent', text: 'second', wakeMode: 'next-heartbeat' });
    expect(cleared).not.toHaveProperty('delivery');
    expect(cleared).not.toHaveProperty('sessionKey');
    // A chat target of its own is refused, as the reference refuses it: the reply follows the route.
    for (const [patch, path] of [
      [{ payload: { kind: 'agentTurn', message: 'm' } }, '/patch/payload/kind'],
      [{ delivery: { mode: 'announce', channel: 'telegram', to: '42' } }, '/patch/delivery/mode'],
      [
        { delivery: { mode: 'webhook', to: 'https://example.com/h', channel: 'telegram' } },
        '/patch/delivery/channel',
      ],
      [
        { delivery: { failureDestination: { channel: 'telegram', to: '42' } } },
        '/patch/delivery/failureDestination',
      ],
    ] as const)
      await expect(update(patch)).rejects.toMatchObject({
        details: { code: 'CRON_FIELD_UNSUPPORTED', path },
      });
    // It leaves the main session when it names another target with an agent turn.
    expect(
      await update({ sessionTarget: 'isolated', payload: { kind: 'agentTurn', message: 'now a turn' } }),
    ).toMatchObject({
      action: { kind: 'agent', message: 'now a turn', freshSession: true },
      sessionTarget: 'isolated',
    });
    // next-heartbeat belongs to main-session jobs.
    await expect(update({ wakeMode: 'next-heartbeat' })).rejects.toMatchObject({
      details: { code: 'CRON_FIELD_UNSUPPORTED', path: '/patch/wakeMode' },
    });
  });
  it("a sessionKey gives the event that session's route: the wake turn's reply goes to its chat, or the run says why not", async () => {
    const { h, add, runToEnd, history } = await setup();
    // A chat's session, as a direct message makes it: its row keeps the chat (its route).
    await h.core.store.sessions.ensure({
      key: 'telegram:default:42',
      kind: 'channel',
      channel: 'telegram',
      accountId: 'default',
      chatId: '42',
      createdAtMs: Date.now(),
    });
    const keyed = await add(mainJob('oven', 'Check the oven.', { sessionKey: 'telegram:default:42' }));
    expect(keyed).toMatchObject({
      action: { kind: 'systemEvent', routeSessionKey: 'telegram:default:42' },
      sessionKey: 'telegram:default:42',
    });
    expect(referenceSubErrors('CronJob', ['properties', 'sessionKey'], keyed.sessionKey)).toBe('');
    // The turn runs in the main session and answers that chat, through the outbox under its run id
    // (no channel is configured here: the interop test sees it arrive on Telegram).
    const run = await runToEnd(keyed.id, (r) => r.agentRunId !== undefined);
    expect(await h.core.store.runs.get(run.agentRunId!)).toMatchObject({
      sessionKey: 'agent:main:main',
      deliverTo: { channel: 'telegram', accountId: 'default', chatId: '42' },
    });

    // A session that is no chat: the turn still answers in the main session, and the run says why.
    const nowhere = await add(mainJob('nowhere', 'Water the plants.', { sessionKey: 'notes' }));
    const lost = await runToEnd(nowhere.id, (r) => r.status !== 'running');
    expect(lost).toMatchObject({ status: 'ok', deliveryStatus: 'not-delivered', completionStatus: 'failed' });
    expect(lost.deliveryError).toMatch(/^no last route: session notes does not exist$/);
    expect((await history('agent:main:main')).slice(-2)).toEqual([
      ['system', 'Water the plants.'],
      ['assistant', 'noted: System: Water the plants.'],
    ]);
    // next-heartbeat: no turn runs, so nothing is delivered (the reference's heartbeat would answer).
    const later = await add(
      mainJob('later', 'Call back.', { sessionKey: 'telegram:default:42', wakeMode: 'next-heartbeat' }),
    );
    expect(await runToEnd(later.id)).toMatchObject({
      deliveryStatus: 'not-requested',
      completionStatus: 'succeeded',
    });
  });

  it("webhook delivery: the finished run is POSTed with the event's text as its summary, with or without a turn", async () => {
    const { fake, rx, add, call } = await setup();
    const now = await add(
      mainJob('ping', 'Ping the team.', { delivery: { mode: 'webhook', to: rx.url('/main') } }),
    );
    expect(now).toMatchObject({
      action: { kind: 'systemEvent', webhook: rx.url('/main') },
      delivery: { mode: 'webhook', to: rx.url('/main') },
    });
    const later = await add(
      mainJob('queued', 'Queued note.', {
        wakeMode: 'next-heartbeat',
        delivery: { mode: 'webhook', to: rx.url('/later') },
      }),
    );
    for (const [job, path, text, turns] of [
      [now, '/main', 'Ping the team.', 1],
      [later, '/later', 'Queued note.', 1],
    ] as const) {
      const { runId } = await call<{ runId: string }>('cron.run', { id: job.id, mode: 'force' });
      const row = await eventually(async () => {
        const { runs } = await call<{ runs: { status: string; deliveryStatus?: string }[] }>('cron.runs', {
          id: job.id,
          runId,
        });
        return runs[0]?.status !== 'running' && runs[0]?.deliveryStatus === 'delivered' ? runs[0] : undefined;
      }, 10_000);
      expect(row).toMatchObject({ status: 'ok', completionStatus: 'succeeded' });
      const hit = rx.hits.find((x) => x.path === path);
      const body = JSON.parse(hit!.body);
      expect(body).toMatchObject({ jobId: job.id, runId, action: 'finished', status: 'ok', summary: text });
      // The reference's main-session run names no session of its own.
      expect(body).not.toHaveProperty('sessionKey');
      expect(fake.requests).toHaveLength(turns);
    }
    expect(rx.hits).toHaveLength(2);
  });
});
