import { describe, expect, it } from 'vitest';
import type { UsageBucket } from '../store/types.ts';
import { modelPrice } from './model-prices.ts';
import { costReport } from './usage-cost-report.ts';

const bucket = (startMs: number, model: string, over: Partial<UsageBucket> = {}): UsageBucket => ({
  startMs,
  agentId: 'main',
  provider: 'local',
  model,
  input: 1_000_000,
  output: 100_000,
  cacheRead: 0,
  cacheWrite: 0,
  calls: 1,
  ...over,
});

describe('cost reports from usage buckets', () => {
  const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
  const D1 = Date.parse('2026-12-04T10:00:00Z');
  const D2 = Date.parse('2026-12-05T10:00:00Z');

  it('prices each model, sums per day and in total, and counts unpriced calls as missing', () => {
    const price = (_p: string, m: string) =>
      m === 'priced' ? { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 } : undefined;
    const r = costReport(
      [
        bucket(D1, 'priced', { cacheRead: 2_000_000, cacheWrite: 400_000, calls: 2 }),
        bucket(D2, 'priced'),
        bucket(D2, 'free', { calls: 3 }),
      ],
      { days: 2, now: D2, dayOf: day, price },
    );
    // Day one: 3 + 1.5 + 0.6 + 1.5 dollars.
    expect(r.daily[0]).toMatchObject({ date: '2026-12-04', totalTokens: 3_500_000, missingCostEntries: 0 });
    expect(r.daily[0]!.totalCost).toBeCloseTo(6.6, 9);
    expect(r.daily[0]!.cacheWriteCost).toBeCloseTo(1.5, 9);
    // Day two: the priced call's 4.5 dollars; the free model's three calls are missing, not 0.
    expect(r.daily[1]).toMatchObject({
      date: '2026-12-05',
      missingCostEntries: 3,
      missingCostByModel: { 'local/free': 3 },
    });
    expect(r.daily[1]!.totalCost).toBeCloseTo(4.5, 9);
    expect(r.totals).toMatchObject({ input: 3_000_000, missingCostEntries: 3, totalTokens: 5_700_000 });
    expect(r.totals.totalCost).toBeCloseTo(11.1, 9);
    expect(r).toMatchObject({ days: 2, updatedAt: D2 });
  });

  it('reads prices from the provider models, the built-in provider from agent.openai; cache prices default to the input price', () => {
    const agent = {
      openai: { models: { llama: { cost: { input: 1, output: 2 } } } },
      providers: {
        acme: { api: 'openai', models: { big: { cost: { input: 5, output: 20, cacheRead: 0.5 } } } },
        'openai-compatible': { api: 'openai-compatible' },
      },
    };
    const a = agent as unknown as Parameters<typeof modelPrice>[0];
    expect(modelPrice(a, 'acme', 'big')).toEqual({ input: 5, output: 20, cacheRead: 0.5, cacheWrite: 5 });
    expect(modelPrice(a, 'acme', 'small')).toBeUndefined();
    // agent.providers redefines the built-in provider here, so agent.openai's prices do not apply.
    expect(modelPrice(a, 'openai-compatible', 'llama')).toBeUndefined();
    const builtIn = { ...agent, providers: {} } as unknown as Parameters<typeof modelPrice>[0];
    expect(modelPrice(builtIn, 'openai-compatible', 'llama')).toEqual({
      input: 1,
      output: 2,
      cacheRead: 1,
      cacheWrite: 1,
    });
  });
});
