// Cron jobs bound to their creating conversation (the reference's `sessionTarget: "current"` with a
// `sessionKey`) through a real core, a real WebSocket and a fake OpenAI-compatible server: each run
// is a fresh detached turn told of the conversation's recent messages (read when it runs), and an
// announced reply is committed into that conversation. Requests are checked against the
// reference's published schema first, and jobs read back in its view.
import { type ChatRequest, FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { cronCalls } from './cron-calls.ts';
import { type Harness, startHarness } from './harness.ts';
import { referenceSubErrors } from './reference-oracle.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const lastText = (req: ChatRequest) => messageText(req.messages.at(-1)!);

async function setup() {
  let answers = 0;
  const fake = await FakeOpenAi.start({
    script: (req: ChatRequest) => ({
      text: [
        lastText(req).startsWith('Recent conversation:') ? `digest ${++answers}` : `noted: ${lastText(req)}`,
      ],
    }),
  });
  cleanup.push(() => fake.close());
  const h: Harness = await startHarness({
    config: {
      cron: { enabled: false },
      agent: {
        backend: 'openai-compatible',
        openai: { baseUrl: fake.baseUrl, model: 'm', apiKeyEnv: 'OC_TEST_NO_KEY' },
      },
    },
  });
  cleanup.push(() => h.close());
  const c = await h.operator({ scopes: ['operator.read', 'operator.write', 'operator.admin'] });
  const calls = cronCalls(c);
  const { call, add, history } = calls;
  // These runs are over once they say how they ended (a not-delivered run is over too).
  const runToEnd = (id: string) => calls.runToEnd(id, (r) => Boolean(r.completionStatus));
  /** An operator's message in a webchat conversation, answered. */
  const say = async (sessionKey: string, message: string, n: number) => {
    const { runId } = await call<{ runId: string }>('chat.send', {
      sessionKey,
      message,
      idempotencyKey: `k-${n}`,
    });
    await call('agent.wait', { runId, timeoutMs: 10_000 });
  };
  return { fake, call, add, runToEnd, history, say };
}

/** What the reference CLI sends for `cron add … --session current --session-key <key> --message …`. */
const currentJob = (name: string, sessionKey: string, delivery: Record<string, unknown>) => ({
  name,
  enabled: true,
  schedule: { kind: 'every', everyMs: 3_600_000 },
  sessionTarget: 'current',
  sessionKey,
  wakeMode: 'now',
  payload: { kind: 'agentTurn', message: 'What did I ask for?' },
  delivery,
});

describe('current-session cron jobs (bound to their creating conversation)', () => {
  it('each run reads the conversation as it is then, and its announced reply is committed into it', async () => {
    const { fake, call, add, runToEnd, history, say } = await setup();
    await say('notes', 'remember milk', 1);
    const job = await add(currentJob('digest', 'notes', { mode: 'announce', channel: 'last' }));
    expect(job).toMatchObject({
      action: {
        kind: 'agent',
        currentSession: true,
        freshSession: true,
        routeSessionKey: 'notes',
        deliver: true,
      },
      sessionTarget: 'current',
      sessionKey: 'notes',
    });
    for (const field of ['sessionTarget', 'sessionKey', 'payload', 'delivery'])
      expect(referenceSubErrors('CronJob', ['properties', field], job[field]), field).toBe('');
    const { deliveryPreviews } = await call<{ deliveryPreviews: Record<string, unknown> }>('cron.list', {});
    expect(deliveryPreviews[job.id]).toEqual({
      label: 'announce -> current session',
      detail: 'committed to session notes, and sent to its chat if it is one',
    });

    // The conversation is no chat: committing the reply into it is the delivery.
    expect(await runToEnd(job.id)).toMatchObject({
      status: 'ok',
      deliveryStatus: 'delivered',
      completionStatus: 'succeeded',
    });
    expect(lastText(fake.requests.at(-1)!)).toBe(
      'Recent conversation:\n- User: remember milk\n- Assistant: noted: remember milk\n\nWhat did I ask for?',
    );
    expect(await history('notes')).toEqual([
      ['user', 'remember milk'],
      ['assistant', 'noted: remember milk'],
      ['assistant', 'digest 1'],
    ]);
    // The turn itself ran detached, in the job's own session.
    expect(await history(`cron:${job.id}`)).toEqual([
      ['user', expect.stringMatching(/^Recent conversation:/)],
      ['assistant', 'digest 1'],
    ]);

    // The next run reads what the conversation holds by then, and starts its own session afresh.
    await say('notes', 'and eggs', 2);
    await runToEnd(job.id);
    expect(lastText(fake.requests.at(-1)!)).toBe(
      [
        'Recent conversation:',
        '- User: remember milk',
        '- Assistant: noted: remember milk',
        '- Assistant: digest 1',
        '- User: and eggs',
        '- Assistant: noted: and eggs',
        '',
        'What did I ask for?',
      ].join('\n'),
    );
    expect((await history('notes')).at(-1)).toEqual(['assistant', 'digest 2']);
    expect(await history(`cron:${job.id}`)).toHaveLength(2);
  });

  it('with delivery none the reply stays in the run; a conversation that is gone is recorded as not delivered', async () => {
    const { add, runToEnd, history, say } = await setup();
    await say('notes', 'remember milk', 1);
    const quiet = await add(currentJob('quiet', 'notes', { mode: 'none' }));
    expect(await runToEnd(quiet.id)).toMatchObject({
      deliveryStatus: 'not-requested',
      completionStatus: 'succeeded',
    });
    expect(await history('notes')).toHaveLength(2);
    expect((await history(`cron:${quiet.id}`)).at(-1)).toEqual(['assistant', 'digest 1']);

    const gone = await add(currentJob('gone', 'nobody-here', { mode: 'announce', channel: 'last' }));
    expect(await runToEnd(gone.id)).toMatchObject({
      deliveryStatus: 'not-delivered',
      completionStatus: 'failed',
      deliveryError: 'session nobody-here no longer exists',
    });
    expect(await history('nobody-here')).toEqual([]);
  });
});
