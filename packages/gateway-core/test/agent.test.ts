import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload } from '@openclaw/protocol';
import { FakeOpenAi, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigManager } from '../src/config/config-manager.ts';
import { createGatewayCore } from '../src/gateway-core.ts';
import { createSilentLogger } from '../src/logging/logger.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { startHarness } from './harness.ts';

describe('agent runs over an OpenAI-compatible backend (a fake server streaming SSE)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(options: Parameters<typeof FakeOpenAi.start>[0] = {}) {
    const fake = await FakeOpenAi.start({ apiKey: 'sk-test-key', ...options });
    cleanup.push(() => fake.close());
    process.env.OC_TEST_AGENT_KEY = 'sk-test-key';
    const h = await startHarness({
      config: {
        agent: {
          backend: 'openai-compatible',
          openai: {
            baseUrl: fake.baseUrl,
            model: 'test-model',
            apiKeyEnv: 'OC_TEST_AGENT_KEY',
            systemPrompt: 'Be brief.',
          },
        },
      },
    });
    cleanup.push(() => h.close());
    const c = await h.operator();
    const agent: EventPayload<'agent'>[] = [];
    const chat: EventPayload<'chat'>[] = [];
    c.on('agent', (e) => agent.push(e));
    c.on('chat', (e) => chat.push(e));
    return { fake, h, c, agent, chat };
  }

  it('streams deltas in order as agent and chat events; agent.wait resolves with the output', async () => {
    const { fake, c, agent, chat } = await setup();
    const r = await c.request('agent', { message: 'hello model', sessionKey: 'a1', idempotencyKey: 'k1' });
    expect(r).toMatchObject({ status: 'accepted', sessionKey: 'a1' });
    const done = await c.request('agent.wait', { runId: r.runId, timeoutMs: 5000 });
    expect(done).toMatchObject({ status: 'ok', output: 'You said: hello model' });
    const mine = agent.filter((e) => e.runId === r.runId);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i));
    expect(mine[0]).toMatchObject({ stream: 'lifecycle', data: { phase: 'start' } });
    expect(mine.at(-1)).toMatchObject({ stream: 'lifecycle', data: { phase: 'end', status: 'ok' } });
    expect(
      mine
        .filter((e) => e.stream === 'assistant')
        .map((e) => e.data.delta)
        .join(''),
    ).toBe('You said: hello model');
    // The reference's assistant stream carries the text so far with each delta.
    expect(mine.filter((e) => e.stream === 'assistant').at(-1)?.data.text).toBe('You said: hello model');
    await waitFor(() => chat.some((e) => e.runId === r.runId && e.state === 'final'));
    expect(
      chat
        .filter((e) => e.state === 'delta')
        .map((e) => (e as { deltaText: string }).deltaText)
        .join(''),
    ).toBe('You said: hello model');
    expect(fake.requests[0]).toMatchObject({
      model: 'test-model',
      stream: true,
      authorization: 'Bearer sk-test-key',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'hello model' },
      ],
    });
    // The next turn carries the conversation so far.
    const r2 = await c.request('agent', { message: 'and again', sessionKey: 'a1', idempotencyKey: 'k2' });
    await c.request('agent.wait', { runId: r2.runId, timeoutMs: 5000 });
    expect(fake.requests[1]!.messages.map((m) => m.content)).toEqual([
      'Be brief.',
      'hello model',
      'You said: hello model',
      'and again',
    ]);
  });

  it('an idempotent retry starts one run', async () => {
    const { fake, c } = await setup();
    const p = { message: 'once', sessionKey: 'a2', idempotencyKey: 'same' };
    const [a, b] = await Promise.all([c.request('agent', p), c.request('agent', p)]);
    const again = await c.request('agent', p);
    expect(new Set([a.runId, b.runId, again.runId]).size).toBe(1);
    await c.request('agent.wait', { runId: a.runId, timeoutMs: 5000 });
    expect(fake.requests).toHaveLength(1);
  });

  it('abort stops the stream: the HTTP request is cancelled and the run ends aborted', async () => {
    const { fake, c, chat } = await setup({
      chunkDelayMs: 20,
      reply: () => Array.from({ length: 100 }, (_, i) => `w${i} `),
    });
    const r = await c.request('agent', { message: 'talk a lot', sessionKey: 'a3', idempotencyKey: 'k3' });
    await waitFor(() => chat.some((e) => e.runId === r.runId && e.state === 'delta'));
    const aborted = await c.request('chat.abort', { sessionKey: 'a3' });
    expect(aborted.runIds).toEqual([r.runId]);
    const w = await c.request('agent.wait', { runId: r.runId, timeoutMs: 5000 });
    expect(w.status).toBe('aborted');
    await waitFor(() => fake.cancelled === 1, 3000, 'the server to see the stream cancelled');
    expect(fake.completed).toBe(0);
    expect(chat.find((e) => e.runId === r.runId && e.state === 'aborted')).toBeDefined();
  });

  it('backend errors become run errors with a clear message: bad key, server error, failure mid-stream', async () => {
    const { fake, c, chat } = await setup();
    fake.failNext({ method: 'chat.completions', status: 401, description: 'Incorrect API key provided' });
    const a = await c.request('agent', { message: 'x', sessionKey: 'e1', idempotencyKey: 'e1' });
    expect(await c.request('agent.wait', { runId: a.runId, timeoutMs: 5000 })).toMatchObject({
      status: 'error',
      error: 'the model server rejected the API key (401): Incorrect API key provided',
    });
    fake.failNext({ method: 'chat.completions', status: 500 });
    const b = await c.request('agent', { message: 'x', sessionKey: 'e2', idempotencyKey: 'e2' });
    expect((await c.request('agent.wait', { runId: b.runId, timeoutMs: 5000 })).error).toContain(
      'answered 500',
    );
    fake.failMidStream(2);
    const m = await c.request('agent', {
      message: 'one two three four',
      sessionKey: 'e3',
      idempotencyKey: 'e3',
    });
    const mw = await c.request('agent.wait', { runId: m.runId, timeoutMs: 5000 });
    expect(mw).toMatchObject({
      status: 'error',
      error: 'the model server failed mid-stream: the model crashed',
    });
    expect(chat.some((e) => e.runId === m.runId && e.state === 'error')).toBe(true);
  });

  it('an unreachable server and a run timeout are reported as such', async () => {
    const { fake, h, c } = await setup({
      chunkDelayMs: 200,
      reply: () => Array.from({ length: 10 }, () => 'slow '),
    });
    const t = await c.request('agent', { message: 'x', sessionKey: 't1', idempotencyKey: 't1', timeout: 1 });
    expect(await c.request('agent.wait', { runId: t.runId, timeoutMs: 5000 })).toMatchObject({
      status: 'timeout',
    });
    await fake.close();
    await h.core.config.patch(JSON.stringify({ agent: { openai: { baseUrl: 'http://127.0.0.1:9/v1' } } }));
    const u = await c.request('agent', { message: 'x', sessionKey: 't2', idempotencyKey: 't2' });
    const uw = await c.request('agent.wait', { runId: u.runId, timeoutMs: 5000 });
    expect(uw.status).toBe('error');
    expect(uw.error).toMatch(/unreachable at http:\/\/127\.0\.0\.1:9\/v1/);
  });
});

describe('runs across a restart', () => {
  it('with resumeInterrupted off, a run a crash cut short is reported interrupted, never silently gone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-runs-'));
    try {
      const store = createSqliteStore({ path: join(dir, 'gateway.db') });
      await store.sessions.ensure({ key: 's', kind: 'webchat', createdAtMs: 1 });
      // What a process killed mid-run leaves behind.
      await store.runs.create({
        runId: 'run-crashed',
        sessionKey: 's',
        source: 'agent',
        status: 'running',
        message: 'hi',
        createdAtMs: 1,
        startedAtMs: 2,
      });
      await store.close();
      const core = await createGatewayCore({
        config: ConfigManager.fromObject(join(dir, 'openclaw.json'), { agent: { resumeInterrupted: false } }),
        store: createSqliteStore({ path: join(dir, 'gateway.db') }),
        log: createSilentLogger(),
        version: '0.0.0-test',
        secrets: () => ({ token: 'x'.repeat(20) }),
      });
      try {
        expect(await core.sessions.wait('run-crashed', 10)).toMatchObject({
          status: 'interrupted',
          error: 'the gateway restarted during this run',
        });
        const h = await core.sessions.history('s', 10);
        expect(h.messages.at(-1)).toMatchObject({ role: 'assistant', runId: 'run-crashed', status: 'error' });
      } finally {
        await core.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
