// Our gateway set up for the reference CLI's interop tests: a real process on a fake model, or on
// Telegram's fake with the echo agent, and a HOME for the reference CLI; one `close()` for all.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeOpenAi, type FakeOpenAiOptions, FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { ensureReference, type RefResult, ref } from './reference-clients.ts';

export interface ModelGatewayOptions {
  /** The gateway token the CLI uses. */
  token: string;
  /** The fake model: its `script` (or `reply`). */
  model: FakeOpenAiOptions;
  /** More `agent.openai` keys: at least its `model`. */
  openai: Record<string, unknown>;
  /** More top-level config keys (`cron`). */
  config?: Record<string, unknown>;
  /** Run on the state dir before the gateway starts (prompt files). */
  prepare?: (stateDir: string) => Promise<void>;
}

export interface ModelGateway {
  /** The fake OpenAI-compatible model the agent talks to. */
  llm: FakeOpenAi;
  gw: GatewayProcess;
  stateDir: string;
  /** The reference CLI's HOME (empty: it reaches the gateway through its env). */
  home: string;
  /** The reference CLI against the gateway, with its URL and token in the env. */
  cli(args: string[]): Promise<RefResult>;
  /** Stop the gateway and the fake, remove both dirs. */
  close(): Promise<void>;
}

/** The reference installed, then our gateway on a fake OpenAI-compatible model (`openai-compatible` backend). */
export async function modelGateway(options: ModelGatewayOptions): Promise<ModelGateway> {
  await ensureReference();
  const llm = await FakeOpenAi.start(options.model);
  const stateDir = await tempStateDir();
  const home = await tempStateDir();
  let gw: GatewayProcess | undefined;
  const close = async () => {
    await gw?.stop();
    await llm.close();
    for (const d of [stateDir, home]) await rm(d, { recursive: true, force: true });
  };
  try {
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: llm.baseUrl, apiKeyEnv: 'OC_TEST_NO_KEY', ...options.openai },
        },
        ...options.config,
      }),
    );
    await options.prepare?.(stateDir);
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: options.token }, timeoutMs: 60_000 });
  } catch (error) {
    await close();
    throw error;
  }
  const started = gw;
  return {
    llm,
    gw: started,
    stateDir,
    home,
    cli: (args) =>
      ref(args, home, { OPENCLAW_GATEWAY_URL: started.url, OPENCLAW_GATEWAY_TOKEN: options.token }),
    close,
  };
}

export interface EchoTelegramGatewayOptions {
  /** The gateway token, also in the reference CLI's remote config. */
  token: string;
  /** More top-level config keys (`heartbeat`, `agent`). */
  config: Record<string, unknown>;
  /** A direct message to send once the gateway is up; its echo reply is waited for. */
  dm: { chat: number; text: string };
}

export interface EchoTelegramGateway {
  tg: FakeTelegram;
  gw: GatewayProcess;
  /** The reference CLI's HOME, whose config points it at the gateway (`gateway.mode: remote`). */
  home: string;
  /** Stop the gateway (removing its state dir) and the fake, remove the HOME. */
  close(): Promise<void>;
}

/**
 * The reference installed, then our gateway (echo agent) on Telegram's fake with open DMs, the
 * reference CLI's remote config, and one answered DM (a session and a last route).
 */
export async function echoTelegramGateway(options: EchoTelegramGatewayOptions): Promise<EchoTelegramGateway> {
  await ensureReference();
  const tg = await FakeTelegram.start({ holdMs: 100 });
  let gw: GatewayProcess | undefined;
  let home: string | undefined;
  const close = async () => {
    await gw?.[Symbol.asyncDispose]();
    await tg.close();
    if (home) await rm(home, { recursive: true, force: true });
  };
  try {
    gw = await spawnGateway({
      token: options.token,
      timeoutMs: 60_000,
      config: {
        ...options.config,
        channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: 'open' } },
      },
    });
    // The reference CLI reads its gateway from a remote config (its rule for `status`).
    home = await tempStateDir();
    await mkdir(join(home, '.openclaw'), { recursive: true });
    await writeFile(
      join(home, '.openclaw', 'openclaw.json'),
      JSON.stringify({ gateway: { mode: 'remote', remote: { url: gw.url, token: options.token } } }),
    );
    const { chat, text } = options.dm;
    await tg.pushMessage({ chatId: chat, from: { id: chat, first_name: 'Ann' }, text });
    await waitFor(() => tg.sentTexts(String(chat)).includes(`echo: ${text}`), 30_000, 'the echo reply');
  } catch (error) {
    await close();
    throw error;
  }
  return { tg, gw, home, close };
}
