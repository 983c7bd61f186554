// Opt-in (`pnpm test:interop`): a cron job's own turn options through the reference CLI against our
// gateway, a real process whose model is a fake OpenAI-compatible server recording each request.
// `cron add --model … --timeout-seconds … --tools … --light-context`, then `cron run --wait` and
// `cron runs`: the run used the job's model and tools; a job over its ceiling records a timeout; a
// model of no configured provider is refused by `cron add`.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChatRequest, type FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronRunWaitArgs } from './reference-clients.ts';
import { type ModelGateway, modelGateway } from './reference-gateway.ts';

const TOKEN = 'interop-token-cron-options-0123456789';

describe("a cron job's own model, ceiling, tools and context through the reference CLI (issue 19)", () => {
  let g: ModelGateway;
  let llm: FakeOpenAi;
  const cli = (args: string[]) => g.cli(args);
  const jobIdOf = (out: string) => /"id": "(job_[\w-]+)"/.exec(out)?.[1];
  const asked = (text: string) =>
    llm.requests.filter((r) => messageText(r.messages.filter((m) => m.role === 'user').at(-1)!) === text);
  const systemOf = (req: ChatRequest) => messageText(req.messages.find((m) => m.role === 'system')!);

  beforeAll(async () => {
    g = await modelGateway({
      token: TOKEN,
      model: { reply: (req) => [`${req.model} answers`] },
      openai: { model: 'main-model', systemPrompt: 'You are main.' },
      prepare: async (stateDir) => {
        await mkdir(join(stateDir, 'agents', 'main'), { recursive: true });
        await writeFile(join(stateDir, 'agents', 'main', 'SYSTEM.md'), 'FROM THE PROMPT FILE');
      },
    });
    ({ llm } = g);
  });
  afterAll(() => g?.close());

  it('cron add --model --timeout-seconds --tools --light-context, cron run: the run used them; cron runs shows it', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-opts',
      '--every',
      '1h',
      '--message',
      'opts tick',
      '--no-deliver',
      '--model',
      'openai-compatible/job-model',
      '--timeout-seconds',
      '30',
      '--tools',
      'sessions,message',
      '--light-context',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = jobIdOf(add.out);
    expect(id, add.out).toBeDefined();
    expect(add.out).toMatch(/"model": "openai-compatible\/job-model"/);
    expect(add.out).toMatch(/"timeoutSeconds": 30/);
    expect(add.out).toMatch(/"lightContext": true/);
    const run = await cli(cronRunWaitArgs(id!));
    expect(run.code, run.out).toBe(0);
    expect(run.out).toMatch(/"completionStatus": "succeeded"/);
    const [req] = asked('opts tick');
    expect(req?.model).toBe('job-model');
    expect((req?.tools ?? []).map((t) => t.function.name).sort()).toEqual(['message', 'sessions']);
    expect(systemOf(req!)).not.toContain('FROM THE PROMPT FILE');
    const runs = await cli(['cron', 'runs', '--id', id!]);
    expect(runs.code, runs.out).toBe(0);
    expect(runs.out).toMatch(/"status": "ok"/);
    // cron edit --clear-model: the next run is the agent's.
    const edit = await cli(['cron', 'edit', id!, '--clear-model', '--clear-tools']);
    expect(edit.code, edit.out).toBe(0);
    expect(edit.out).not.toMatch(/"model":/);
    const again = await cli(cronRunWaitArgs(id!));
    expect(again.code, again.out).toBe(0);
    const second = asked('opts tick')[1];
    expect(second?.model).toBe('main-model');
    expect((second?.tools ?? []).length).toBeGreaterThan(2);
    expect((await cli(['cron', 'rm', id!])).code).toBe(0);
  });

  it('a job over its --timeout-seconds: cron run --wait exits 1, cron runs records the timeout', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-slow',
      '--every',
      '1h',
      '--message',
      'slow tick',
      '--no-deliver',
      '--timeout-seconds',
      '1',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = jobIdOf(add.out)!;
    const release = llm.hold();
    try {
      const run = await cli(cronRunWaitArgs(id));
      expect(run.code, run.out).toBe(1);
      const runs = await cli(['cron', 'runs', '--id', id]);
      expect(runs.code, runs.out).toBe(0);
      expect(runs.out).toMatch(/"status": "error"/);
      expect(runs.out).toMatch(/run timed out after 1000 ms/);
    } finally {
      release();
    }
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  });

  it('cron add --model of a provider not configured is refused, and stores nothing', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-bad-model',
      '--every',
      '1h',
      '--message',
      'x',
      '--model',
      'nowhere/model',
    ]);
    expect(add.code, add.out).not.toBe(0);
    expect(add.out).toMatch(/no provider "nowhere" is configured/);
    const all = await cli(['cron', 'list', '--all', '--json']);
    expect(all.code, all.out).toBe(0);
    expect(all.out).not.toMatch(/interop-bad-model/);
  });
  it('cron add --display-name --stagger: the job keeps both and fires at its own offset; cron edit --clear-display-name --exact undoes them', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-label',
      '--display-name',
      'Hourly digest',
      '--cron',
      '0 * * * *',
      '--tz',
      'UTC',
      '--stagger',
      '5m',
      '--message',
      'digest',
      '--no-deliver',
    ]);
    expect(add.code, add.out).toBe(0);
    expect(add.out).toMatch(/"displayName": "Hourly digest"/);
    expect(add.out).toMatch(/"staggerMs": 300000/);
    const id = jobIdOf(add.out)!;
    const next = Number(/"nextRunAtMs": (\d+)/.exec(add.out)?.[1]);
    expect(next % 3_600_000).toBeGreaterThan(0);
    expect(next % 3_600_000).toBeLessThan(300_000);
    const list = await cli(['cron', 'list']);
    expect(list.code, list.out).toBe(0);
    expect(list.out).toMatch(/Hourly digest/);
    const edit = await cli(['cron', 'edit', id, '--clear-display-name', '--exact']);
    expect(edit.code, edit.out).toBe(0);
    const show = await cli(['cron', 'get', id]);
    expect(show.code, show.out).toBe(0);
    expect(show.out).not.toMatch(/"displayName"/);
    expect(show.out).toMatch(/"staggerMs": 0/);
    expect(Number(/"nextRunAtMs": (\d+)/.exec(show.out)?.[1]) % 3_600_000).toBe(0);
    expect((await cli(['cron', 'rm', id])).code).toBe(0);
  });
  it('cron add --cron at minute 0 of every hour: the default 5-minute stagger; --exact keeps it on the hour', async () => {
    const add = (name: string, extra: string[]) =>
      cli([
        'cron',
        'add',
        '--name',
        name,
        '--cron',
        '0 */2 * * *',
        '--tz',
        'UTC',
        '--message',
        'x',
        '--no-deliver',
        ...extra,
      ]);
    const spread = await add('interop-default-stagger', []);
    expect(spread.code, spread.out).toBe(0);
    expect(spread.out).toMatch(/"staggerMs": 300000/);
    const next = Number(/"nextRunAtMs": (\d+)/.exec(spread.out)?.[1]);
    expect(next % 7_200_000).toBeLessThan(300_000);
    const exact = await add('interop-exact', ['--exact']);
    expect(exact.code, exact.out).toBe(0);
    expect(exact.out).toMatch(/"staggerMs": 0/);
    expect(Number(/"nextRunAtMs": (\d+)/.exec(exact.out)?.[1]) % 7_200_000).toBe(0);
    for (const out of [spread.out, exact.out])
      expect((await cli(['cron', 'rm', jobIdOf(out)!])).code).toBe(0);
  });
});
