// `openclaw gateway usage-cost`: the real CLI against a gateway process whose agent answers with a
// fake model that reports what each call used.
import { rm } from 'node:fs/promises';
import { FakeOpenAi } from '@openclaw/test-fakes';
import { connectOperator, runCli, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';

describe('openclaw gateway usage-cost', () => {
  it('prints the total, the calls without a price by model, and each day; --json is the method result', async () => {
    const fake = await FakeOpenAi.start({
      usage: () => ({ promptTokens: 1200, cachedTokens: 200, completionTokens: 50 }),
    });
    await using gw = await spawnGateway({
      token: true,
      config: {
        agent: {
          backend: 'openai-compatible',
          openai: {
            baseUrl: fake.baseUrl,
            model: 'm',
            apiKeyEnv: 'OC_NO_KEY',
            models: { m: { cost: { input: 2, output: 10, cacheRead: 0.5 } } },
          },
          providers: {
            unpriced: { api: 'openai-compatible', baseUrl: fake.baseUrl, apiKeyEnv: 'OC_NO_KEY' },
          },
        },
      },
    });
    const home = await tempStateDir('oc-cli-');
    const env = gw.cliEnv(home);
    const c = await connectOperator(gw.url, env.OPENCLAW_GATEWAY_TOKEN!);
    try {
      const turn = async (message: string) => {
        const r = await c.request('agent', {
          message,
          sessionKey: 'agent:main:main',
          idempotencyKey: message,
        });
        expect(await c.request('agent.wait', { runId: r.runId, timeoutMs: 30_000 })).toMatchObject({
          status: 'ok',
        });
      };
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
    } finally {
      await c.close();
      await rm(home, { recursive: true, force: true });
      await fake.close();
    }
  });
});
