// models.list as the reference CLI's `models list` reads it: the published-model-catalog
// capability in hello-ok, then `includeDetails` and a `provider` filter.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayRequestError, PUBLISHED_MODEL_CATALOG_CAPABILITY } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { isLocalEndpoint } from '../src/agents/model-details.ts';
import { type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
});

async function keyFile(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-models-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'key'), 'sk-test\n');
  return join(dir, 'key');
}

async function start(agent: Record<string, unknown>): Promise<Harness> {
  const h = await startHarness({ config: { agent } });
  cleanup.push(() => h.close());
  return h;
}

describe('models.list for the reference CLI', () => {
  it('hello-ok advertises published-model-catalog', async () => {
    const h = await start({});
    const op = await h.operator();
    expect(op.hello?.features.capabilities).toContain(PUBLISHED_MODEL_CATALOG_CAPABILITY);
  });

  it('includeDetails adds input, context window and local to each row, as configured', async () => {
    const h = await start({
      backend: 'openai-compatible',
      openai: { baseUrl: 'http://192.168.1.20:8080/v1', model: 'llama', vision: true },
      fallbacks: ['hosted/claude-x', 'keyed/claude-y'],
      providers: {
        hosted: { api: 'anthropic', apiKeyEnv: 'OC_TEST_UNSET_KEY' },
        keyed: { api: 'anthropic', apiKeyFile: await keyFile() },
      },
      contextTokens: 16_000,
      contextTokensByModel: { 'hosted/claude-x': 200_000 },
    });
    const op = await h.operator();
    const plain = await op.request('models.list', {});
    expect(plain.models[0]).not.toHaveProperty('input');
    const { models } = await op.request('models.list', { includeDetails: true, view: 'default' });
    expect(models).toEqual([
      expect.objectContaining({
        provider: 'openai-compatible',
        id: 'llama',
        tags: ['default'],
        input: ['text', 'image'],
        contextWindow: 16_000,
        contextTokens: 16_000,
        local: true,
      }),
      expect.objectContaining({
        provider: 'hosted',
        id: 'claude-x',
        tags: ['fallback'],
        available: false,
        unavailableReason: 'missing-auth',
        input: ['text', 'image'],
        contextWindow: 200_000,
        local: false,
      }),
      expect.objectContaining({ provider: 'keyed', id: 'claude-y', available: true, contextWindow: 16_000 }),
    ]);
    expect(models[0]).not.toHaveProperty('unavailableReason');
    expect(models[2]).not.toHaveProperty('unavailableReason');
  });

  it('provider filters the rows; a provider the config does not name is refused', async () => {
    const h = await start({
      backend: 'openai-compatible',
      openai: { baseUrl: 'https://models.example.com/v1', model: 'big' },
      fallbacks: ['anthropic/claude-x'],
    });
    const op = await h.operator();
    const only = await op.request('models.list', { provider: 'anthropic', includeDetails: true });
    expect(only.models.map((m) => `${m.provider}/${m.id}`)).toEqual(['anthropic/claude-x']);
    const { models } = await op.request('models.list', {
      provider: 'openai-compatible',
      includeDetails: true,
    });
    expect(models).toEqual([expect.objectContaining({ id: 'big', input: ['text'], local: false })]);
    const err = (await op
      .request('models.list', { provider: 'nope' })
      .catch((e: unknown) => e)) as GatewayRequestError;
    expect(err.code).toBe('INVALID_REQUEST');
    expect(err.detailCode).toBe('PROVIDER_UNKNOWN');
  });
});

describe('models.list per agent', () => {
  it("agentId lists that agent's models; an unknown agent is refused", async () => {
    const h = await startHarness({
      config: {
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: 'http://127.0.0.1:9/v1', model: 'main-model' },
        },
        agents: {
          list: [{ id: 'support', model: { primary: 'echo/echo', fallbacks: ['openai-compatible/spare'] } }],
        },
      },
    });
    cleanup.push(() => h.close());
    const op = await h.operator();
    const main = await op.request('models.list', {});
    expect(main.models.map((m) => `${m.provider}/${m.id}`)).toEqual(['openai-compatible/main-model']);
    const support = await op.request('models.list', { agentId: 'support', includeDetails: true });
    expect(support.models.map((m) => [`${m.provider}/${m.id}`, m.tags, m.local])).toEqual([
      ['echo/echo', ['default'], true],
      ['openai-compatible/spare', ['fallback'], true],
    ]);
    const err = (await op
      .request('models.list', { agentId: 'ghost' })
      .catch((e: unknown) => e)) as GatewayRequestError;
    expect(err.detailCode).toBe('AGENT_UNKNOWN');
  });
});

describe('thinking fields of agents.list and models.list', () => {
  it("each agent shows its default model's levels and its default level; each model its API's levels; valid by the reference schema", async () => {
    const h = await startHarness({
      config: {
        agent: {
          model: 'local/qwen',
          fallbacks: ['claude/opus'],
          providers: {
            local: { api: 'openai-compatible', baseUrl: 'http://127.0.0.1:9/v1' },
            claude: { api: 'anthropic', apiKeyFile: await keyFile() },
            gpt: { api: 'openai', apiKeyFile: await keyFile() },
          },
          thinkingDefault: 'low',
        },
        agents: {
          list: [
            { id: 'deep', model: 'claude/opus', thinkingDefault: 'adaptive' },
            { id: 'quick', model: { primary: 'echo/echo', fallbacks: ['gpt/o9'] } },
            { id: 'wide', model: 'gpt/o9', thinkingDefault: 'max' },
          ],
        },
      },
    });
    cleanup.push(() => h.close());
    const op = await h.operator();
    const base = ['off', 'minimal', 'low', 'medium', 'high'];
    const rows = (levels: string[]) => levels.map((id) => ({ id, label: id }));

    const agents = await op.request('agents.list', {});
    expect(referenceErrors('AgentsListResult', agents)).toBe('');
    const byId = Object.fromEntries(agents.agents.map((a) => [a.id, a]));
    expect(byId.main).toMatchObject({
      thinkingOptions: base,
      thinkingLevels: rows(base),
      thinkingDefault: 'low',
    });
    expect(byId.deep).toMatchObject({
      thinkingOptions: [...base, 'adaptive', 'max'],
      thinkingDefault: 'adaptive',
    });
    // Echo takes the base ladder (and ignores it); the section's default applies to an agent without one.
    expect(byId.quick).toMatchObject({ thinkingOptions: base, thinkingDefault: 'low' });
    // A default its model cannot take is shown as the level a turn runs at: max on OpenAI is xhigh.
    expect(byId.wide).toMatchObject({ thinkingOptions: [...base, 'xhigh'], thinkingDefault: 'xhigh' });
    expect(byId.main).not.toHaveProperty('reasoning');

    const main = await op.request('models.list', {});
    expect(referenceErrors('ModelsListResult', main)).toBe('');
    expect(main.models.map((m) => [m.id, m.reasoning, m.thinkingDefault, m.thinkingLevels?.length])).toEqual([
      ['qwen', true, 'low', 5],
      ['opus', true, 'low', 7],
    ]);
    expect(main.models[0]).not.toHaveProperty('thinkingOptions');
    const quick = await op.request('models.list', { agentId: 'quick' });
    expect(referenceErrors('ModelsListResult', quick)).toBe('');
    expect(quick.models.map((m) => [m.id, m.reasoning, m.thinkingDefault])).toEqual([
      ['echo', false, 'low'],
      ['o9', true, 'low'],
    ]);
    const deep = await op.request('models.list', { agentId: 'deep' });
    expect(deep.models[0]).toMatchObject({
      id: 'opus',
      thinkingDefault: 'adaptive',
      thinkingLevels: rows([...base, 'adaptive', 'max']),
    });
  });
});

describe('isLocalEndpoint', () => {
  it.each([
    ['http://127.0.0.1:11434/v1', true],
    ['http://localhost:8080', true],
    ['http://gpu-box.local:8000/v1', true],
    ['http://10.1.2.3/v1', true],
    ['http://172.20.0.5/v1', true],
    ['http://100.101.102.103:8080', true],
    ['http://[::1]:8080', true],
    ['http://[fd12::5]:8080', true],
    ['http://172.32.0.1/v1', false],
    ['https://api.openai.com/v1', false],
    ['http://8.8.8.8', false],
    ['not a url', false],
    [undefined, false],
  ])('%s → %s', (url, local) => {
    expect(isLocalEndpoint(url)).toBe(local);
  });
});
