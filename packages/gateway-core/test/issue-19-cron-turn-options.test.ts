// A cron job's own turn options, through a real core, a real WebSocket and a fake OpenAI-compatible
// server that records every request: the job's model (and fallbacks) answer its runs, over the
// session's own choice, which stays as it was; a run over its ceiling ends with a recorded
// timeout; a tool outside the job's list is never offered (nor one the agent's config leaves
// out); a light-context run leaves out the agent's prompt file. Requests in the reference layout
// are checked against the reference's published schema first, and jobs read back in its shape.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GatewayRequestError } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { cronCore } from './cron-core.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setup(agent: Record<string, unknown> = {}) {
  const fake = await FakeOpenAi.start({ reply: (req) => [`${req.model} answers`] });
  cleanup.push(() => fake.close());
  const h: Harness = await startHarness({
    // A state dir of its own (given with providers), for the agent's prompt file.
    providers: [],
    config: {
      agent: {
        backend: 'openai-compatible',
        openai: {
          baseUrl: fake.baseUrl,
          model: 'main-model',
          apiKeyEnv: 'OC_TEST_NO_KEY',
          systemPrompt: 'You are main.',
        },
        fallbacks: ['openai-compatible/agent-fallback'],
        providers: {
          backup: { api: 'openai-compatible', baseUrl: fake.baseUrl, apiKeyEnv: 'OC_TEST_NO_KEY' },
        },
        ...agent,
      },
    },
  });
  cleanup.push(() => h.close());
  await mkdir(join(h.dir, 'agents', 'main'), { recursive: true });
  await writeFile(join(h.dir, 'agents', 'main', 'SYSTEM.md'), 'FROM THE PROMPT FILE');
  const op = await h.operator();
  const call = (method: string, params: unknown) =>
    (op.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
  /** A reference `cron.add`, checked against the reference's own schema first. */
  const addRef = async (payload: Record<string, unknown>, over: Record<string, unknown> = {}) => {
    const params = {
      name: 'job',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', ...payload },
      delivery: { mode: 'none' },
      ...over,
    };
    expect(referenceErrors('CronAddParams', params)).toBe('');
    return (await call('cron.add', params)) as { id: string; payload: Record<string, unknown> };
  };
  /** Run a job now and wait for its run to end; the run's row, and the requests it made. */
  const runToEnd = async (id: string) => {
    const before = fake.requests.length;
    const { runId } = (await call('cron.run', { id })) as { runId: string };
    const run = await eventually(async () => {
      const { runs } = (await call('cron.runs', { id, runId })) as {
        runs: { status: string; error?: string; agentRunId?: string }[];
      };
      return runs[0] && runs[0].status !== 'running' ? runs[0] : undefined;
    }, 10_000);
    return { run, requests: fake.requests.slice(before) };
  };
  return { fake, h, op, call, addRef, runToEnd };
}

const offered = (req: ChatRequest) => (req.tools ?? []).map((t) => t.function.name).sort();
const systemOf = (req: ChatRequest) => messageText(req.messages.find((m) => m.role === 'system')!);

describe("a cron job's own turn options", () => {
  it("the job's model answers its runs, over the session's own, which stays; cron.list shows it in the reference shape", async () => {
    const { fake, call, addRef, runToEnd } = await setup();
    const turn = async (message: string) => {
      const { runId } = (await call('agent', {
        sessionKey: 'standup',
        message,
        idempotencyKey: message,
      })) as {
        runId: string;
      };
      expect(await call('agent.wait', { runId, timeoutMs: 10_000 })).toMatchObject({ status: 'ok' });
      return fake.requests.at(-1)!.model;
    };
    expect(await turn('hello')).toBe('main-model');
    // The session's own model, as an operator chose it.
    await call('sessions.patch', { key: 'standup', model: 'openai-compatible/session-model' });
    const job = await addRef(
      { message: 'daily standup', model: 'openai-compatible/job-model', timeoutSeconds: 60 },
      { sessionTarget: 'session:standup' },
    );
    expect(job.payload).toEqual({
      kind: 'agentTurn',
      message: 'daily standup',
      model: 'openai-compatible/job-model',
      timeoutSeconds: 60,
    });
    const { run, requests } = await runToEnd(job.id);
    expect(run.status).toBe('ok');
    expect(requests.map((r) => r.model)).toEqual(['job-model']);
    // The session's choice is untouched: the next turn there (not the job's) uses it.
    expect(await turn('and now?')).toBe('session-model');
    const listed = (await call('cron.list', {})) as { jobs: Record<string, unknown>[] };
    const row = listed.jobs.find((j) => j.id === job.id)!;
    for (const field of ['payload', 'sessionTarget', 'delivery'])
      expect(referenceSubErrors('CronJob', ['properties', field], row[field]), field).toBe('');
    expect(row.payload).toEqual(job.payload);
  });

  it("its fallbacks replace the agent's on a retryable failure; an empty list fails strictly", async () => {
    const { fake, addRef, runToEnd } = await setup();
    const job = await addRef({ message: 'with fallback', fallbacks: ['backup/job-fallback'] });
    fake.failNext({ status: 429 });
    const first = await runToEnd(job.id);
    expect(first.run.status).toBe('ok');
    // The agent's model first (the job names none), then the job's fallback, not the agent's.
    expect(first.requests.map((r) => r.model)).toEqual(['main-model', 'job-fallback']);
    const strict = await addRef({ message: 'strict', model: 'backup/strict-model', fallbacks: [] });
    fake.failNext({ status: 429 });
    const second = await runToEnd(strict.id);
    expect(second.run.status).toBe('error');
    expect(second.run.error).toMatch(/429|rate/i);
    expect(second.requests.map((r) => r.model)).toEqual(['strict-model']);
  });

  it("a run over its ceiling ends with a recorded timeout, the job's ceiling and not the agent's", async () => {
    const { fake, addRef, runToEnd } = await setup();
    // A first turn loads the provider and builds its client, so that the slow job's request goes
    // out well within its ceiling even on a loaded machine (a ceiling reached before the request
    // is sent ends the run without one).
    expect((await runToEnd((await addRef({ message: 'warm up' })).id)).run.status).toBe('ok');
    const job = await addRef({ message: 'slow', timeoutSeconds: 2 });
    const release = fake.hold();
    const started = performance.now();
    const { run, requests } = await runToEnd(job.id);
    expect(run).toMatchObject({ status: 'error', error: 'run timed out after 2000 ms' });
    // Not the agent's 10-minute deadline.
    expect(performance.now() - started).toBeLessThan(8_000);
    expect(requests.map((r) => r.model)).toEqual(['main-model']);
    release();
  });

  it("offers only the job's tools, never one the agent's config leaves out; light context drops the prompt file", async () => {
    const { addRef, runToEnd } = await setup({ tools: { deny: ['cron'] } });
    const plain = await runToEnd((await addRef({ message: 'all tools' })).id);
    expect(offered(plain.requests[0]!)).toEqual(['canvas', 'message', 'nodes', 'sessions']);
    expect(systemOf(plain.requests[0]!)).toContain('FROM THE PROMPT FILE');
    const narrowed = await addRef({
      message: 'few tools',
      toolsAllow: ['sessions', 'cron'],
      lightContext: true,
    });
    const { run, requests } = await runToEnd(narrowed.id);
    expect(run.status).toBe('ok');
    // cron is denied to the agent: the job's list cannot give it back.
    expect(offered(requests[0]!)).toEqual(['sessions']);
    expect(systemOf(requests[0]!)).toContain('You are main.');
    expect(systemOf(requests[0]!)).not.toContain('FROM THE PROMPT FILE');
    // No tools at all: an empty list.
    const none = await runToEnd((await addRef({ message: 'no tools', toolsAllow: [] })).id);
    expect(none.requests[0]!.tools ?? []).toEqual([]);
  });

  it('a model no configured provider serves is refused when the job is saved, in either layout', async () => {
    const { call, addRef, h } = await setup();
    const refused = async (p: Promise<unknown>) => {
      const e = (await p.catch((err: unknown) => err)) as GatewayRequestError;
      expect(e).toBeInstanceOf(GatewayRequestError);
      return { detailCode: e.detailCode, path: e.details?.path };
    };
    expect(await refused(addRef({ message: 'm', model: 'vllm/qwen' }))).toEqual({
      detailCode: 'PROVIDER_UNKNOWN',
      path: '/payload/model',
    });
    expect(await refused(addRef({ message: 'm', fallbacks: ['no-slash'] }))).toEqual({
      detailCode: 'PARAMS_INVALID',
      path: '/payload/fallbacks/0',
    });
    const ours = {
      name: 'ours',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'm', model: 'nowhere/x' },
    };
    expect(await refused(call('cron.add', ours))).toEqual({
      detailCode: 'PROVIDER_UNKNOWN',
      path: '/action/model',
    });
    expect(await h.core.cron.list()).toEqual([]);
    const job = await addRef({ message: 'm', model: 'backup/ok' });
    const patch = { id: job.id, patch: { payload: { kind: 'agentTurn', model: 'vllm/qwen' } } };
    expect(referenceErrors('CronUpdateParams', patch)).toBe('');
    expect(await refused(call('cron.update', patch))).toEqual({
      detailCode: 'PROVIDER_UNKNOWN',
      path: '/patch/payload/model',
    });
    expect((await h.core.cron.get(job.id)).action).toMatchObject({ model: 'backup/ok' });
  });
});

describe("a job's run cut short by a restart", () => {
  it('resumes with the options it began with: its model and its tools', async () => {
    const fake = await FakeOpenAi.start({ reply: (req) => [`${req.model} resumed`] });
    cleanup.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'oc-cron-resume-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // What a process killed mid-run leaves behind: the prompt, and the job's run still running.
    const store = createSqliteStore({ path: join(dir, 'gateway.db') });
    await store.sessions.ensure({ key: 'cron:job_x', kind: 'webchat', createdAtMs: 1 });
    const prompt = await store.sessions.append({
      sessionKey: 'cron:job_x',
      id: 'm1',
      role: 'user',
      text: 'nightly',
      ts: 1,
    });
    await store.runs.create({
      runId: 'run-cron',
      sessionKey: 'cron:job_x',
      source: 'cron',
      status: 'running',
      message: 'nightly',
      startSeq: prompt.seq,
      createdAtMs: 1,
      startedAtMs: 2,
      turn: { model: 'openai-compatible/job-model', toolsAllow: ['sessions'] },
    });
    await store.close();
    const core = await cronCore(dir, { model: { baseUrl: fake.baseUrl, name: 'main-model' } });
    cleanup.push(() => core.close());
    await core.start();
    expect(await core.sessions.wait('run-cron', 10_000)).toMatchObject({
      status: 'ok',
      output: 'job-model resumed',
    });
    expect(fake.requests.map((r) => [r.model, offered(r)])).toEqual([['job-model', ['sessions']]]);
  });
});
