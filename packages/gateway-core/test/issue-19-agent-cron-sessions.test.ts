// Cron jobs and the sessions tool per agent, through a real core, a real WebSocket and a fake
// OpenAI-compatible server: a job names its agent and its turns run as that agent (its model, its
// prompt, its sessions); cron.list / cron.runs filter by agent; the `cron` tool of an agent's turn
// schedules that agent's work; the `sessions` tool of a turn reads only its agent's sessions.
import { type EventPayload, GatewayRequestError } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText, type ScriptedTurn } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceSubErrors } from './reference-oracle.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(script: (req: ChatRequest) => ScriptedTurn) {
  const fake = await FakeOpenAi.start({ script });
  cleanup.push(() => fake.close());
  const h: Harness = await startHarness({
    config: {
      agent: {
        backend: 'openai-compatible',
        openai: {
          baseUrl: fake.baseUrl,
          model: 'main-model',
          apiKeyEnv: 'OC_TEST_NO_KEY',
          systemPrompt: 'You are main.',
        },
      },
      agents: {
        list: [{ id: 'support', model: 'openai-compatible/support-model', systemPrompt: 'You are support.' }],
      },
    },
  });
  cleanup.push(() => h.close());
  const op = await h.operator();
  const events: EventPayload<'agent'>[] = [];
  op.on('agent', (e) => events.push(e));
  return { fake, h, op, events };
}

const errorOf = (p: Promise<unknown>) => p.catch((e: unknown) => e) as Promise<GatewayRequestError>;

/** The user's message of a request (the prompt of the turn). */
const promptOf = (req: ChatRequest) => messageText(req.messages.filter((m) => m.role === 'user').at(-1)!);

describe('cron jobs per agent', () => {
  it('a job naming an agent runs as that agent, in its sessions; cron.list and cron.runs filter by agent', async () => {
    const { fake, op } = await setup((req) => ({ text: [`${req.model} says hi`] }));
    // The reference's cron.add takes a top-level agentId.
    expect(referenceSubErrors('CronAddParams', ['properties', 'agentId'], 'support')).toBe('');
    const every = { kind: 'every' as const, everyMs: 3_600_000 };
    const support = await op.request('cron.add', {
      name: 'support report',
      agentId: 'support',
      schedule: every,
      action: { kind: 'agent', message: 'support report please' },
    });
    expect(support.agentId).toBe('support');
    const main = await op.request('cron.add', {
      name: 'main report',
      schedule: every,
      action: { kind: 'agent', message: 'main report please' },
    });
    expect(main.agentId).toBeUndefined();
    // A job whose session key names an agent is that agent's, declared or not.
    const byKey = await op.request('cron.add', {
      name: 'ticket follow-up',
      schedule: every,
      action: { kind: 'agent', message: 'follow up', sessionKey: 'agent:support:ticket-9' },
    });

    const ids = async (agentId?: string) =>
      (await op.request('cron.list', agentId ? { agentId } : {})).jobs.map((j) => j.id);
    expect(await ids('support')).toEqual([support.id, byKey.id]);
    expect(await ids('main')).toEqual([main.id]);
    expect(await ids()).toEqual([support.id, main.id, byKey.id]);

    const finished = async (jobId: string) => {
      await op.request('cron.run', { id: jobId });
      return eventually(async () => {
        const run = (await op.request('cron.runs', { id: jobId })).runs[0];
        return run?.status === 'ok' ? run : undefined;
      });
    };
    await finished(support.id);
    await finished(main.id);
    const asked = (text: string) => fake.requests.find((r) => promptOf(r) === text)!;
    const supportReq = asked('support report please');
    expect(supportReq.model).toBe('support-model');
    expect(messageText(supportReq.messages[0]!)).toContain('You are support.');
    const mainReq = asked('main report please');
    expect(mainReq.model).toBe('main-model');
    expect(messageText(mainReq.messages[0]!)).toContain('You are main.');

    // Each turn ran in its agent's own session of the job.
    const keys = async (agentId: string) =>
      (await op.request('sessions.list', { agentId })).sessions.map((s) => s.key);
    expect(await keys('support')).toEqual([`agent:support:cron:${support.id}`]);
    expect(await keys('main')).toContain(`cron:${main.id}`);
    const history = await op.request('chat.history', { sessionKey: `agent:support:cron:${support.id}` });
    expect(history.messages.map((m) => m.text)).toEqual(['support report please', 'support-model says hi']);

    expect((await op.request('cron.runs', { agentId: 'support' })).runs.map((r) => r.jobId)).toEqual([
      support.id,
    ]);
    expect((await op.request('cron.runs', { agentId: 'main' })).runs.map((r) => r.jobId)).toEqual([main.id]);

    // Unknown agents are refused; a session of one agent cannot be given to another.
    for (const p of [
      op.request('cron.list', { agentId: 'nobody' }),
      op.request('cron.runs', { agentId: 'nobody' }),
      op.request('cron.add', {
        name: 'x',
        agentId: 'nobody',
        schedule: every,
        action: { kind: 'agent', message: 'x' },
      }),
      op.request('cron.update', { id: main.id, patch: { agentId: 'nobody' } }),
    ]) {
      const e = await errorOf(p);
      expect(e).toBeInstanceOf(GatewayRequestError);
      expect(e.detailCode).toBe('AGENT_UNKNOWN');
      expect(e.details?.known).toEqual(['main', 'support']);
    }
    const mismatch = await errorOf(
      op.request('cron.add', {
        name: 'x',
        agentId: 'support',
        schedule: every,
        action: { kind: 'agent', message: 'x', sessionKey: 'agent:main:main' },
      }),
    );
    expect(mismatch.detailCode).toBe('PARAMS_INVALID');

    // Moving a job to another agent moves its turns (and null goes back to the session key's agent).
    const moved = await op.request('cron.update', { id: main.id, patch: { agentId: 'support' } });
    expect(moved.agentId).toBe('support');
    expect(await ids('main')).toEqual([]);
    const back = await op.request('cron.update', { id: main.id, patch: { agentId: null } });
    expect(back.agentId).toBeUndefined();
    expect(await ids('main')).toEqual([main.id]);
  });

  it('the cron tool of a turn schedules, lists and removes only the jobs of its agent', async () => {
    const { op, h, events } = await setup((req) => {
      const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
      const step = req.messages.slice(lastUser).filter((m) => m.role === 'assistant').length;
      const prompt = promptOf(req);
      if (step > 0) return { text: ['done'] };
      if (prompt === 'schedule')
        return {
          toolCalls: [
            { id: 'c_add', name: 'cron', arguments: { action: 'add', message: 'tick', everyMs: 60_000 } },
          ],
        };
      const [, jobId] = prompt.split(' ');
      return {
        toolCalls: [
          { id: 'c_list', name: 'cron', arguments: { action: 'list' } },
          { id: 'c_remove', name: 'cron', arguments: { action: 'remove', jobId } },
        ],
      };
    });
    const turn = async (agentId: string, message: string, key: string) => {
      const r = await op.requestFinal('agent', { agentId, message, idempotencyKey: key });
      expect(r.status).toBe('ok');
      return Object.fromEntries(
        events
          .filter((e) => e.runId === r.runId && e.stream === 'tool' && e.data.phase === 'result')
          .map((e) => [e.data.toolCallId, e.data]),
      );
    };
    await turn('support', 'schedule', 'k1');
    const [job] = await h.core.cron.list();
    expect(job).toMatchObject({
      agentId: 'support',
      action: { kind: 'agent', message: 'tick', sessionKey: 'agent:support:main' },
    });
    // Main's turn neither sees nor removes support's job…
    const fromMain = await turn('main', `remove ${job!.id}`, 'k2');
    expect(fromMain.c_list).toMatchObject({ isError: false, result: { jobs: [] } });
    expect(fromMain.c_remove).toMatchObject({
      isError: true,
      result: `FORBIDDEN: job ${job!.id} belongs to agent "support"`,
    });
    expect(await h.core.cron.list()).toHaveLength(1);
    // …support's does.
    const fromSupport = await turn('support', `remove ${job!.id}`, 'k3');
    expect(fromSupport.c_list).toMatchObject({ isError: false, result: { jobs: [{ id: job!.id }] } });
    expect(fromSupport.c_remove).toMatchObject({ isError: false, result: { removed: true } });
    expect(await h.core.cron.list()).toHaveLength(0);
  });
});

describe('the sessions tool per agent', () => {
  it('a turn reads only the sessions of its own agent, unless agent.tools.sessionsVisibility is all', async () => {
    const { op, h, events } = await setup((req) => {
      const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
      const step = req.messages.slice(lastUser).filter((m) => m.role === 'assistant').length;
      if (promptOf(req) !== 'peek' || step > 0) return { text: ['noted'] };
      return {
        toolCalls: [
          { id: 'c_list', name: 'sessions', arguments: { action: 'list' } },
          { id: 'c_other', name: 'sessions', arguments: { action: 'history', sessionKey: 'main-chat' } },
          {
            id: 'c_own',
            name: 'sessions',
            arguments: { action: 'history', sessionKey: 'agent:support:t-1' },
          },
        ],
      };
    });
    const turn = async (agentId: string, message: string, sessionKey: string, key: string) => {
      const r = await op.requestFinal('agent', { agentId, message, sessionKey, idempotencyKey: key });
      expect(r.status).toBe('ok');
      return Object.fromEntries(
        events
          .filter((e) => e.runId === r.runId && e.stream === 'tool' && e.data.phase === 'result')
          .map((e) => [e.data.toolCallId, e.data]),
      );
    };
    await turn('main', 'a secret for main', 'main-chat', 'k1');
    await turn('support', 'a ticket for support', 't-1', 'k2');

    const own = await turn('support', 'peek', 't-2', 'k3');
    const listed = (r: unknown) =>
      ((r as { result: { sessions: { key: string }[] } }).result.sessions ?? []).map((s) => s.key).sort();
    expect(own.c_list).toMatchObject({ isError: false });
    expect(listed(own.c_list)).toEqual(['agent:support:t-1', 'agent:support:t-2']);
    expect(own.c_other).toMatchObject({
      isError: true,
      result: 'FORBIDDEN: session main-chat belongs to another agent',
    });
    expect(own.c_own).toMatchObject({
      isError: false,
      result: {
        sessionKey: 'agent:support:t-1',
        messages: [{ text: 'a ticket for support' }, { text: 'noted' }],
      },
    });

    // The operator may open every agent's sessions to every agent.
    await h.core.config.patch(JSON.stringify({ agent: { tools: { sessionsVisibility: 'all' } } }));
    const all = await turn('support', 'peek', 't-2', 'k4');
    expect(listed(all.c_list)).toEqual(['agent:support:t-1', 'agent:support:t-2', 'main-chat']);
    expect(all.c_other).toMatchObject({
      isError: false,
      result: { sessionKey: 'main-chat', messages: [{ text: 'a secret for main' }, { text: 'noted' }] },
    });
  });
});
