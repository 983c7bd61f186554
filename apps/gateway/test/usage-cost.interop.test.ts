// Opt-in (`pnpm test:interop`): the reference CLI's `gateway usage-cost` prints the tokens and cost
// our gateway accounted for the agent's model calls.
import { rm } from 'node:fs/promises';
import { type CleanupList, pricedGateway, runCleanup, tempStateDir } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureReference, ref } from './reference-clients.ts';

describe('reference openclaw gateway usage-cost against our gateway', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('prints the total, the missing cost and the latest day of the calls our gateway recorded', async () => {
    await ensureReference();
    // Each call: 1,200 prompt tokens (200 from the cache) and 50 output tokens, $0.0026 at the
    // model's price; the provider `unpriced` has none.
    const g = await pricedGateway(cleanup);
    const gw = await g.start();
    const home = await tempStateDir();
    cleanup.push(() => rm(home, { recursive: true, force: true }));
    const c = await g.operator(gw);
    const turn = (sessionKey: string, message: string) => g.turn(c, sessionKey, message);
    await turn('agent:main:main', 'one');
    await turn('agent:main:main', 'two');
    await c.request('sessions.patch', { key: 'agent:main:main', model: 'unpriced/other' });
    await turn('agent:main:main', 'three');
    const env = { OPENCLAW_GATEWAY_URL: `ws://127.0.0.1:${gw.port}`, OPENCLAW_GATEWAY_TOKEN: g.token };

    const text = await ref(['gateway', 'usage-cost', '--days', '7'], home, env);
    expect(text.code, text.out).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect(text.out).toContain('Usage cost (7 days)');
    expect(text.out).toMatch(/Total: \$0\.0052 · 3\.8k tokens/);
    expect(text.out).toContain('Missing cost: 1 (unpriced/other 1)');
    expect(text.out).toMatch(new RegExp(`Latest day: ${today} · \\$0\\.0052 · 3\\.8k tokens`));
    // Nothing warns that the totals may be incomplete: they are read from the store as recorded.
    expect(text.out).not.toContain('incomplete');

    // Its JSON is our answer, as our own client reads it.
    const json = await ref(['gateway', 'usage-cost', '--days', '7', '--json'], home, env);
    expect(json.code, json.out).toBe(0);
    const printed = JSON.parse(json.out.slice(json.out.indexOf('{'))) as {
      totals: unknown;
      daily: unknown;
    };
    const ours = await c.request('usage.cost', { days: 7 });
    expect(printed.totals).toEqual(ours.totals);
    expect(printed.daily).toEqual(ours.daily);
    expect(ours.totals).toMatchObject({ totalTokens: 3750, input: 3000, cacheRead: 600, output: 150 });
  });
});
