// `openclaw gateway usage-cost`: the real CLI against a gateway process whose agent answers with a
// fake model that reports what each call used.
import { rm } from 'node:fs/promises';
import { type CleanupList, pricedGateway, runCleanup, runCli, tempStateDir } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

describe('openclaw gateway usage-cost', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('prints the total, the calls without a price by model, and each day; --json is the method result', async () => {
    const g = await pricedGateway(cleanup);
    const gw = await g.start();
    const home = await tempStateDir('oc-cli-');
    cleanup.push(() => rm(home, { recursive: true, force: true }));
    const env = gw.cliEnv(home);
    const c = await g.operator(gw);
    const turn = (message: string) => g.turn(c, 'agent:main:main', message);
    await turn('one');
    await c.request('sessions.patch', { key: 'agent:main:main', model: 'unpriced/other' });
    await turn('two');

    const today = new Date().toISOString().slice(0, 10);
    const text = await runCli(['gateway', 'usage-cost', '--days', '7'], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout.split('\n')).toEqual([
      'usage, last 7 days (main)',
      'total    2,500 tokens   $0.0026 + unknown (1 call without a price)',
      '         input 2,000, output 100, cache read 400, cache write 0',
      'no price unpriced/other 1 (agent.providers.<name>.models.<model>.cost)',
      `${today} 2,500 tokens   $0.0026 + unknown (1 call without a price)`,
      '',
    ]);
    const json = await runCli(['gateway', 'usage-cost', '--all-agents', '--json'], env);
    expect(json.code, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).totals).toEqual(
      (await c.request('usage.cost', { agentScope: 'all' })).totals,
    );
    const both = await runCli(['gateway', 'usage-cost', '--agent', 'main', '--all-agents'], env);
    expect(both.code).toBe(2);
  });
});
