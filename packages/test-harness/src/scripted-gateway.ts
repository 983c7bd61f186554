import { rm } from 'node:fs/promises';
import type { GatewayClient, GatewayClientOptions } from '@openclaw/protocol';
import { FakeOpenAi, type FakeOpenAiOptions } from '@openclaw/test-fakes';
import type { CleanupList } from './cleanup.ts';
import { type GatewayProcess, spawnGateway } from './gateway-process.ts';
import { connectOperator } from './operator.ts';
import { newToken, tempStateDir } from './temp-dir.ts';

export interface ScriptedGatewayOptions {
  /** The fake model: its `script` (or `reply`), chunk delay and so on. */
  model: FakeOpenAiOptions;
  /** The model name the agent asks for (`agent.openai.model`); default `test-model`. */
  modelName?: string;
  /** More `agent.openai` keys (`vision`). */
  openai?: Record<string, unknown>;
  /** More `agent` keys (`tools`, `maxHandovers`). */
  agent?: Record<string, unknown>;
  /** More top-level config keys (`channels`, `agents`, `bindings`). */
  config?: Record<string, unknown>;
  /** The operators' scopes; default `['operator.admin']`. */
  scopes?: GatewayClientOptions['scopes'];
  /** The gateway token; default a fresh one. */
  token?: string;
}

/** The config `scriptedGateway` writes: the agent on the fake model, then the extra keys. */
export type ScriptedGatewayConfig = { agent: Record<string, unknown> } & Record<string, unknown>;

export interface ScriptedGateway {
  /** The fake OpenAI-compatible model the agent talks to. */
  fake: FakeOpenAi;
  /** The state dir every `start()` shares (so a restart finds what the last process stored). */
  stateDir: string;
  token: string;
  /** What `start()` writes as `openclaw.json` (to edit it and write it back in a reload test). */
  config: ScriptedGatewayConfig;
  /** A gateway process on the state dir, with the config written; stopped on cleanup. */
  start(): Promise<GatewayProcess & { token: string }>;
  /** An operator connected to a gateway (or a `ws://` URL) with the scopes; closed on cleanup. */
  operator(target: GatewayProcess | string): Promise<GatewayClient>;
}

/**
 * A gateway whose agent talks to a scripted fake model: starts the `FakeOpenAi` and makes a temp
 * state dir at once; gateways (`start()`, as many as a restart test needs) and operators
 * (`operator()`) on demand. Each part registers its teardown on `cleanup` as it starts (the
 * fake's close, the state dir's removal, each gateway's stop, each operator's close), for
 * `runCleanup` to run newest first after the test.
 */
export async function scriptedGateway(
  cleanup: CleanupList,
  options: ScriptedGatewayOptions,
): Promise<ScriptedGateway> {
  const fake = await FakeOpenAi.start(options.model);
  cleanup.push(() => fake.close());
  const stateDir = await tempStateDir();
  cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
  const token = options.token ?? newToken();
  const config: ScriptedGatewayConfig = {
    agent: {
      backend: 'openai-compatible',
      openai: {
        baseUrl: fake.baseUrl,
        model: options.modelName ?? 'test-model',
        apiKeyEnv: 'OC_TEST_NO_KEY',
        ...options.openai,
      },
      ...options.agent,
    },
    ...options.config,
  };
  const scopes = options.scopes ?? ['operator.admin'];
  return {
    fake,
    stateDir,
    token,
    config,
    start: async () => {
      const gw = await spawnGateway({ stateDir, config, token });
      cleanup.push(() => gw.stop());
      return gw;
    },
    operator: async (target) => {
      const op = await connectOperator(typeof target === 'string' ? target : target.url, token, { scopes });
      cleanup.push(() => op.close());
      return op;
    },
  };
}
