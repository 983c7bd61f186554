import type { GatewayClient } from '@openclaw/protocol';
import type { CleanupList } from './cleanup.ts';
import { type ScriptedGateway, scriptedGateway } from './scripted-gateway.ts';

/**
 * What every call of the priced gateway's fake model reports using: 1,200 prompt tokens (200 of
 * them read from its cache) and 50 output tokens, 1,250 in all.
 */
export const PRICED_CALL_USAGE = { promptTokens: 1200, cachedTokens: 200, completionTokens: 50 };
export const PRICED_CALL_TOKENS = 1250;
/**
 * The model's price in US dollars per million tokens, so each call costs
 * 1,000 × 2 + 50 × 10 + 200 × 0.5 = 2,600 millionths of a dollar.
 */
export const PRICED_MODEL_COST = { input: 2, output: 10, cacheRead: 0.5 };
export const PRICED_CALL_COST = 0.0026;

export interface PricedGateway extends ScriptedGateway {
  /** One agent turn on a session, waited for until it ended well. */
  turn(client: GatewayClient, sessionKey: string, message: string): Promise<void>;
}

/**
 * A gateway whose agent's model (`test-model`) reports the same usage for every call and has a
 * price configured, and the same server again as provider `unpriced` with no price (a session
 * moves to it with `sessions.patch {model: 'unpriced/<any>'}`): for tests of token accounting.
 */
export async function pricedGateway(cleanup: CleanupList): Promise<PricedGateway> {
  const g = await scriptedGateway(cleanup, {
    model: { usage: () => PRICED_CALL_USAGE },
    openai: { models: { 'test-model': { cost: PRICED_MODEL_COST } } },
    agent: {},
  });
  g.config.agent.providers = {
    unpriced: { api: 'openai-compatible', baseUrl: g.fake.baseUrl, apiKeyEnv: 'OC_TEST_NO_KEY' },
  };
  return {
    ...g,
    turn: async (client, sessionKey, message) => {
      const r = await client.request('agent', {
        message,
        sessionKey,
        idempotencyKey: `${sessionKey}:${message}`,
      });
      const done = await client.request('agent.wait', { runId: r.runId, timeoutMs: 30_000 });
      if (done.status !== 'ok') throw new Error(`turn "${message}" on ${sessionKey} ended ${done.status}`);
    },
  };
}
