// Main-session cron jobs (the reference's `cron add --session main --system-event …`) through a real
// core, a real WebSocket and a fake OpenAI-compatible server: the event is stored in the agent's
// main session; with wakeMode now a turn of that session answers it at once, with next-heartbeat it
// waits there and the session's next turn reads it. Requests are checked against the reference's
// published schema first, and the jobs read back in its view.
import { type ChatRequest, FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { cronCalls } from './cron-calls.ts';
import { type Harness, startHarness } from './harness.ts';
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
  const h: Harness = await startHarness({
    config: {
      cron: { enabled: false },
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
  return { fake, h, call, add, runToEnd, history };
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
    for (const [patch, path] of [
      [{ payload: { kind: 'agentTurn', message: 'm' } }, '/patch/payload/kind'],
      [{ delivery: { mode: 'announce', channel: 'telegram', to: '42' } }, '/patch/delivery/mode'],
      [{ sessionKey: 'telegram:default:42' }, '/patch/sessionKey'],
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
});
