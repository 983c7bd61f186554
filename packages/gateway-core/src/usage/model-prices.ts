import type { GatewayConfig } from '@openclaw/protocol';

/** US dollars per million tokens of each kind. */
export interface ModelPrice {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/**
 * A model's configured price: `agent.providers.<provider>.models.<model>.cost`, or for the built-in
 * `openai-compatible` provider (unless agent.providers redefines it) `agent.openai.models`. A cache
 * price left out is the input price. Undefined: no price (its usage is reported as missing cost).
 */
export function modelPrice(
  agent: GatewayConfig['agent'],
  provider: string,
  model: string,
): ModelPrice | undefined {
  const own = agent.providers[provider];
  const models = own ? own.models : provider === 'openai-compatible' ? agent.openai.models : undefined;
  const cost = models?.[model]?.cost;
  if (!cost) return undefined;
  return {
    input: cost.input,
    output: cost.output,
    cacheRead: cost.cacheRead ?? cost.input,
    cacheWrite: cost.cacheWrite ?? cost.input,
  };
}
