import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayConfig } from '@openclaw/protocol';
import { echoResponder, type Responder } from '../sessions/responder.ts';
import { openAiResponder } from './openai-backend.ts';

/**
 * The OpenAI-compatible API key, read when needed: its env var, else its key file (default
 * `<stateDir>/agent-api-key`).
 */
export function agentApiKey(
  config: () => GatewayConfig,
  stateDir: string | undefined,
): () => Promise<string | undefined> {
  return async () => {
    const o = config().agent.openai;
    const fromEnv = process.env[o.apiKeyEnv]?.trim();
    if (fromEnv) return fromEnv;
    const file = o.apiKeyFile ?? (stateDir ? join(stateDir, 'agent-api-key') : undefined);
    if (!file) return undefined;
    return (await readFile(file, 'utf8').catch(() => '')).trim() || undefined;
  };
}

/**
 * The responder the config names, chosen per run from the live config: echo, or the
 * OpenAI-compatible backend with its key from `apiKey`.
 */
export function configuredResponder(
  config: () => GatewayConfig,
  apiKey: () => Promise<string | undefined>,
): () => Responder {
  const openai = openAiResponder(() => {
    const o = config().agent.openai;
    return {
      baseUrl: o.baseUrl,
      model: o.model,
      systemPrompt: o.systemPrompt,
      temperature: o.temperature,
      vision: o.vision,
      apiKey,
    };
  });
  return () => (config().agent.backend === 'openai-compatible' ? openai : echoResponder);
}
