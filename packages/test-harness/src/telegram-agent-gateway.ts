import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/protocol';
import { FakeOpenAi, type FakeOpenAiOptions, FakeTelegram } from '@openclaw/test-fakes';
import type { CleanupList } from './cleanup.ts';
import { eventually } from './eventually.ts';
import { type GatewayProcess, spawnGateway } from './gateway-process.ts';
import { connectOperator } from './operator.ts';
import { newToken, tempStateDir } from './temp-dir.ts';

export interface TelegramAgentGatewayOptions {
  /** The fake model: its `script` (or `reply`). */
  model: FakeOpenAiOptions;
  /** More `agent` keys (`heartbeat`, `thinkingDefault`). */
  agent?: Record<string, unknown>;
  /** More top-level config keys (`cron`, `agents`). */
  config?: Record<string, unknown>;
  /** Run once on the state dir before the first gateway starts (prompt files, canvas pages). */
  prepare?: (stateDir: string) => Promise<void>;
}

/** One started gateway on the rig's state and its connected admin operator. */
export interface TelegramAgentRun {
  gw: GatewayProcess & { token: string };
  op: GatewayClient;
}

export interface TelegramAgentGateway extends TelegramAgentRun {
  /** The fake OpenAI-compatible model the agent talks to (provider `oai`, model `local-model`). */
  llm: FakeOpenAi;
  /** Telegram on its wire-level fake, the gateway's one channel. */
  tg: FakeTelegram;
  /** The state dir every `start()` shares (so a restart finds what the last process stored). */
  stateDir: string;
  token: string;
  /** What each `start()` writes as `openclaw.json`. */
  config: Record<string, unknown>;
  /**
   * Another gateway on the same state dir and config, with its operator, once Telegram is
   * connected (stop the last one first to restart); stopped and closed on cleanup.
   */
  start(): Promise<TelegramAgentRun>;
}

/**
 * A gateway process whose agent talks to a scripted fake model through an `openai` provider (its
 * key read from a file in the state dir) and whose one channel is Telegram on its fake: starts
 * both fakes, the state dir, the gateway and an admin operator, and returns once the channel
 * says it is connected. Each part registers its teardown on `cleanup` as it starts, for
 * `runCleanup` to run newest first after the test.
 */
export async function telegramAgentGateway(
  cleanup: CleanupList,
  options: TelegramAgentGatewayOptions,
): Promise<TelegramAgentGateway> {
  const llm = await FakeOpenAi.start(options.model);
  cleanup.push(() => llm.close());
  // A short hold: a test's pushed message reaches the gateway's long poll quickly.
  const tg = await FakeTelegram.start({ holdMs: 100 });
  cleanup.push(() => tg.close());
  const stateDir = await tempStateDir();
  cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
  const keyFile = join(stateDir, 'oai-key');
  await writeFile(keyFile, 'sk-test\n');
  const token = newToken();
  const config = {
    agent: {
      model: 'oai/local-model',
      providers: { oai: { api: 'openai', baseUrl: llm.baseUrl, apiKeyFile: keyFile } },
      ...options.agent,
    },
    channels: { telegram: tg.account() },
    ...options.config,
  };
  await options.prepare?.(stateDir);
  const start = async (): Promise<TelegramAgentRun> => {
    const gw = await spawnGateway({ stateDir, token, config });
    cleanup.push(() => gw.stop());
    const op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
    cleanup.push(() => op.close());
    await eventually(async () =>
      JSON.stringify(await op.request('channels.status', {})).includes('"connected":true'),
    );
    return { gw, op };
  };
  const first = await start();
  return { llm, tg, stateDir, token, config, start, ...first };
}
