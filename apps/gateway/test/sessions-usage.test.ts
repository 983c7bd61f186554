// sessions.usage through a real gateway process: an agent on a fake model that reports what each
// call used, a few turns in two sessions and a forced compaction; the per-session figures are
// what the calls reported, and they are still there after a restart (read from the database).
import {
  type CleanupList,
  PRICED_CALL_COST,
  PRICED_CALL_TOKENS,
  pricedGateway,
  runCleanup,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

describe('sessions.usage on a gateway process', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it("reports each session's recorded calls, the compaction's included, across a restart", async () => {
    const g = await pricedGateway(cleanup);
    const gw = await g.start();
    const c = await g.operator(gw);
    for (const m of ['one', 'two', 'three']) await g.turn(c, 'agent:main:main', m);
    await g.turn(c, 'agent:main:other', 'four');
    await c.request('sessions.patch', { key: 'agent:main:other', model: 'unpriced/other-model' });
    await g.turn(c, 'agent:main:other', 'five');
    // The summary call of a forced compaction counts as the session's too.
    expect(await c.request('sessions.compact', { key: 'agent:main:main', maxLines: 2 })).toMatchObject({
      summarized: true,
    });
    expect(g.fake.requests).toHaveLength(6);

    const check = async (client: typeof c) => {
      const report = await client.request('sessions.usage', { range: '7d' });
      // Most recently active first: the compaction changed main last.
      expect(report.sessions.map((s) => [s.key, s.usage?.totalTokens, s.usage?.missingCostEntries])).toEqual([
        ['agent:main:main', 4 * PRICED_CALL_TOKENS, 0],
        ['agent:main:other', 2 * PRICED_CALL_TOKENS, 1],
      ]);
      const main = report.sessions[0]!;
      expect(main.usage).toMatchObject({ input: 4000, output: 200, cacheRead: 800, cacheWrite: 0 });
      expect(main.usage!.totalCost).toBeCloseTo(4 * PRICED_CALL_COST, 10);
      expect(report.totals.totalTokens).toBe(6 * PRICED_CALL_TOKENS);
      expect(report.totals.totalCost).toBeCloseTo(5 * PRICED_CALL_COST, 10);
      expect(report.aggregates.sessionCount).toBe(2);
      // usage.cost over the same days agrees.
      const cost = await client.request('usage.cost', { range: '7d' });
      expect(cost.totals.totalTokens).toBe(report.totals.totalTokens);
      const { points } = await client.request('sessions.usage.timeseries', { key: 'agent:main:main' });
      expect(points.map((p) => p.cumulativeTokens)).toEqual([1, 2, 3, 4].map((n) => n * PRICED_CALL_TOKENS));
    };
    await check(c);

    await gw.stop();
    const again = await g.start();
    await check(await g.operator(again));
  }, 120_000);
});
