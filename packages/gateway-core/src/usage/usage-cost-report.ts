import type { UsageCostResult, UsageCostTotals } from '@openclaw/protocol';
import type { UsageBucket } from '../store/types.ts';
import type { ModelPrice } from './model-prices.ts';

/** A run's tokens, whatever it is summed over (a bucket, a day, a run's calls). */
export interface TokenCounts {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

export function emptyTotals(): UsageCostTotals {
  return {
    input: 0,
    output: 0,
    cacheRead: 0,
    cacheWrite: 0,
    totalTokens: 0,
    totalCost: 0,
    inputCost: 0,
    outputCost: 0,
    cacheReadCost: 0,
    cacheWriteCost: 0,
    missingCostEntries: 0,
  };
}

/**
 * Adds `calls` model calls of `model` with these counts to the totals: their tokens always, their
 * cost when the model has a price, else they count as missing cost (never as free).
 */
export function addUsage(
  t: UsageCostTotals,
  counts: TokenCounts,
  price: ModelPrice | undefined,
  model: string,
  calls: number,
): void {
  t.input += counts.input;
  t.output += counts.output;
  t.cacheRead += counts.cacheRead;
  t.cacheWrite += counts.cacheWrite;
  t.totalTokens += counts.input + counts.output + counts.cacheRead + counts.cacheWrite;
  if (!price) {
    t.missingCostEntries += calls;
    t.missingCostByModel = { ...t.missingCostByModel, [model]: (t.missingCostByModel?.[model] ?? 0) + calls };
    return;
  }
  const inputCost = (counts.input * price.input) / 1e6;
  const outputCost = (counts.output * price.output) / 1e6;
  const cacheReadCost = (counts.cacheRead * price.cacheRead) / 1e6;
  const cacheWriteCost = (counts.cacheWrite * price.cacheWrite) / 1e6;
  t.inputCost += inputCost;
  t.outputCost += outputCost;
  t.cacheReadCost += cacheReadCost;
  t.cacheWriteCost += cacheWriteCost;
  t.totalCost += inputCost + outputCost + cacheReadCost + cacheWriteCost;
}

/** Totals and the days with calls (oldest first) of these buckets, priced at today's prices. */
export function costReport(
  buckets: readonly UsageBucket[],
  o: {
    days: number;
    now: number;
    dayOf(ms: number): string;
    price(provider: string, model: string): ModelPrice | undefined;
  },
): UsageCostResult {
  const totals = emptyTotals();
  const byDay = new Map<string, UsageCostTotals>();
  for (const b of buckets) {
    const price = o.price(b.provider, b.model);
    const model = `${b.provider}/${b.model}`;
    const date = o.dayOf(b.startMs);
    let day = byDay.get(date);
    if (!day) {
      day = emptyTotals();
      byDay.set(date, day);
    }
    addUsage(totals, b, price, model, b.calls);
    addUsage(day, b, price, model, b.calls);
  }
  const daily = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, t]) => ({ date, ...t }));
  return { updatedAt: o.now, days: o.days, daily, totals };
}
