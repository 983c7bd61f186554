// Opt-in (`pnpm test:interop`): thinking levels through the reference CLI against our gateway, a
// real process whose model is a fake OpenAI-compatible server that reasons before it answers and
// records each request. `openclaw agent --thinking high` and `cron add --thinking medium` (then
// `cron edit --clear-thinking`): each request carries the level's `reasoning_effort`, and the CLI
// prints the answer, not the reasoning.
import { type FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cronRunWaitArgs } from './reference-clients.ts';
import { type ModelGateway, modelGateway } from './reference-gateway.ts';

const TOKEN = 'interop-token-thinking-0123456789';

describe('thinking levels through the reference CLI (issue 19)', () => {
  let g: ModelGateway;
  let llm: FakeOpenAi;
  const cli = (args: string[]) => g.cli(args);
  const asked = (text: string) =>
    llm.requests.filter((r) => messageText(r.messages.filter((m) => m.role === 'user').at(-1)!) === text);

  beforeAll(async () => {
    g = await modelGateway({
      token: TOKEN,
      model: {
        script: (req) => ({
          reasoning: ['Weighing it up.'],
          text: [`answer to ${messageText(req.messages.filter((m) => m.role === 'user').at(-1)!)}`],
        }),
      },
      openai: { model: 'reasoner' },
    });
    ({ llm } = g);
  });
  afterAll(() => g?.close());

  it('openclaw agent --thinking high: the request carries reasoning_effort high; the CLI prints the answer only', async () => {
    const out = await cli([
      'agent',
      '--session-key',
      'agent:main:think-1',
      '--message',
      'deep question',
      '--thinking',
      'high',
    ]);
    expect(out.code, out.out).toBe(0);
    expect(out.out.trim()).toBe('answer to deep question');
    expect(asked('deep question').map((r) => r.reasoning_effort)).toEqual(['high']);
  });

  it('cron add --thinking medium: its runs carry reasoning_effort medium; cron edit --clear-thinking drops it', async () => {
    const add = await cli([
      'cron',
      'add',
      '--name',
      'interop-thinking',
      '--every',
      '1h',
      '--message',
      'think tick',
      '--no-deliver',
      '--thinking',
      'medium',
    ]);
    expect(add.code, add.out).toBe(0);
    const id = /"id": "(job_[\w-]+)"/.exec(add.out)?.[1];
    expect(id, add.out).toBeDefined();
    expect(add.out).toMatch(/"thinking": "medium"/);
    const run = await cli(cronRunWaitArgs(id!));
    expect(run.code, run.out).toBe(0);
    expect(asked('think tick').map((r) => r.reasoning_effort)).toEqual(['medium']);
    const edit = await cli(['cron', 'edit', id!, '--clear-thinking']);
    expect(edit.code, edit.out).toBe(0);
    expect(edit.out).not.toMatch(/"thinking":/);
    const again = await cli(cronRunWaitArgs(id!));
    expect(again.code, again.out).toBe(0);
    expect(asked('think tick')[1]).not.toHaveProperty('reasoning_effort');
    expect((await cli(['cron', 'rm', id!])).code).toBe(0);
  });
});
