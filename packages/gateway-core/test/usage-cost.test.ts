import { type EventPayload, methods } from '@openclaw/protocol';
import { FakeOpenAi, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { startHarness } from './harness.ts';
import { referenceErrors, referenceMethodScope } from './reference-oracle.ts';

// What the fake model reports for every call: 1,200 prompt tokens (200 of them from its cache)
// and 50 output tokens.
const USED = { promptTokens: 1200, cachedTokens: 200, completionTokens: 50 };
// US dollars per million tokens: 1,000 × 2 + 50 × 10 + 200 × 0.5 = 2,600 millionths of a dollar.
const PRICE = { input: 2, output: 10, cacheRead: 0.5 };
const RUN_COST = 0.0026;

describe('token accounting: usage.cost and the session rows, from what the model reported', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup(agentExtra: Record<string, unknown> = {}) {
    const fake = await FakeOpenAi.start({ apiKey: 'sk-usage', usage: () => USED });
    cleanup.push(() => fake.close());
    process.env.OC_TEST_USAGE_KEY = 'sk-usage';
    const h = await startHarness({
      config: {
        agent: {
          backend: 'openai-compatible',
          openai: {
            baseUrl: fake.baseUrl,
            model: 'test-model',
            apiKeyEnv: 'OC_TEST_USAGE_KEY',
            models: { 'test-model': { cost: PRICE } },
          },
          // The same server under another name, with no price configured.
          providers: {
            unpriced: { api: 'openai-compatible', baseUrl: fake.baseUrl, apiKeyEnv: 'OC_TEST_USAGE_KEY' },
          },
          ...agentExtra,
        },
      },
    });
    cleanup.push(() => h.close());
    const c = await h.operator();
    const turn = async (sessionKey: string, message: string) => {
      const r = await c.request('agent', {
        message,
        sessionKey,
        idempotencyKey: `${sessionKey}:${message.slice(0, 40)}`,
      });
      expect(await c.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 })).toMatchObject({
        status: 'ok',
      });
    };
    return { fake, h, c, turn };
  }

  it('sums every call of the range with its cost, and counts calls of unpriced models as missing cost, not free', async () => {
    const { c, turn } = await setup();
    // Nothing yet: zero tokens, zero cost, nothing missing, no days.
    const empty = await c.request('usage.cost', { days: 30 });
    expect(empty).toMatchObject({ days: 30, daily: [], totals: { totalTokens: 0, missingCostEntries: 0 } });

    await turn('agent:main:priced', 'one');
    await turn('agent:main:priced', 'two');
    const priced = await c.request('usage.cost', { days: 30 });
    const today = new Date().toISOString().slice(0, 10);
    const expected = {
      input: 2000,
      output: 100,
      cacheRead: 400,
      cacheWrite: 0,
      totalTokens: 2500,
      missingCostEntries: 0,
    };
    expect(priced.totals).toMatchObject(expected);
    expect(priced.totals.totalCost).toBeCloseTo(2 * RUN_COST, 10);
    expect(priced.totals.inputCost).toBeCloseTo(0.004, 10);
    expect(priced.totals.outputCost).toBeCloseTo(0.001, 10);
    expect(priced.totals.cacheReadCost).toBeCloseTo(0.0002, 10);
    expect(priced.totals.missingCostByModel).toBeUndefined();
    expect(priced.daily).toEqual([{ date: today, ...priced.totals }]);

    // A session that moves to the unpriced model (its first turn, which creates it, is priced).
    await turn('agent:main:free', 'three');
    await c.request('sessions.patch', { key: 'agent:main:free', model: 'unpriced/other-model' });
    await turn('agent:main:free', 'four');
    const mixed = await c.request('usage.cost', { days: 7 });
    expect(mixed.days).toBe(7);
    expect(mixed.totals).toMatchObject({
      totalTokens: 5000,
      missingCostEntries: 1,
      missingCostByModel: { 'unpriced/other-model': 1 },
    });
    // The unpriced call's tokens count; its cost is unknown, so the total cost is the priced calls'.
    expect(mixed.totals.totalCost).toBeCloseTo(3 * RUN_COST, 10);

    // Other agents' calls are not main's; agentScope all sums every agent.
    expect((await c.request('usage.cost', { agentId: 'work' })).totals.totalTokens).toBe(0);
    expect((await c.request('usage.cost', { agentScope: 'all' })).totals.totalTokens).toBe(5000);
    // A range that ended before today holds none of it.
    const past = await c.request('usage.cost', { startDate: '2020-01-01', endDate: '2020-01-31' });
    expect(past).toMatchObject({ days: 31, daily: [], totals: { totalTokens: 0 } });
    await expect(c.request('usage.cost', { agentScope: 'all', agentId: 'main' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    await expect(c.request('usage.cost', { startDate: '2020-01-01' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
    });
    // Read access, as the reference scopes it.
    expect(methods['usage.cost'].scope).toBe(referenceMethodScope('usage.cost'));
  });

  it("gives each session row its latest run's tokens, context window, model and cost, in the reference's row layout", async () => {
    const { c, turn } = await setup();
    const changed: EventPayload<'sessions.changed'>[] = [];
    c.on('sessions.changed', (e) => changed.push(e));
    await c.request('sessions.subscribe', {});
    await turn('agent:main:priced', 'one');
    // The row a list subscriber is sent after the turn carries the figures too.
    await waitFor(() => changed.some((e) => e.session?.inputTokens === 1000));
    await turn('agent:main:free', 'two');
    await c.request('sessions.patch', { key: 'agent:main:free', model: 'unpriced/other-model' });
    await turn('agent:main:free', 'three');
    const { sessions } = await c.request('sessions.list', {});
    const row = (key: string) => sessions.find((s) => s.key === key);
    expect(row('agent:main:priced')).toMatchObject({
      inputTokens: 1000,
      outputTokens: 50,
      totalTokens: 1200,
      totalTokensFresh: true,
      contextTokens: 32_000,
      model: 'test-model',
      modelProvider: 'openai-compatible',
    });
    expect(row('agent:main:priced')?.estimatedCostUsd).toBeCloseTo(RUN_COST, 10);
    // No price for its model: its cost is left out, not given as 0.
    expect(row('agent:main:free')).toMatchObject({ inputTokens: 1000, model: 'other-model' });
    expect(row('agent:main:free')).not.toHaveProperty('estimatedCostUsd');
    for (const s of sessions) expect(referenceErrors('SessionRow', s)).toBe('');
    // One row read on its own carries the same figures.
    const described = await c.request('sessions.describe', { key: 'agent:main:priced' });
    expect(described.session).toMatchObject({ inputTokens: 1000, totalTokens: 1200 });

    // A reset session starts again with no figures; its calls stay in the cost history.
    await c.request('sessions.reset', { key: 'agent:main:priced' });
    const after = await c.request('sessions.list', {});
    expect(after.sessions.find((s) => s.key === 'agent:main:priced')).not.toHaveProperty('inputTokens');
    expect((await c.request('usage.cost', {})).totals.totalTokens).toBe(3750);
  });

  it("counts a turn's compaction call with the turn's own calls", async () => {
    // A small window: the second turn's history does not fit and is summarised first.
    const { fake, c, turn } = await setup({ contextTokens: 1000 });
    await turn('agent:main:long', 'x'.repeat(1500));
    await turn('agent:main:long', 'y'.repeat(1500));
    expect(fake.requests).toHaveLength(3);
    expect(fake.requests[1]!.messages[0]!.content).toMatch(/compact a conversation/);
    const { totals } = await c.request('usage.cost', {});
    expect(totals.totalTokens).toBe(3 * 1250);
    expect(totals.totalCost).toBeCloseTo(3 * RUN_COST, 10);
  });
});
