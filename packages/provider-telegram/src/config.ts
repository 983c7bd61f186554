import { readFileSync } from 'node:fs';
import { AccountConfigError, type WithDefaults } from '@openclaw/gateway-core/channel';
import type { TelegramConfigInput } from './config-schema.ts';

export interface TelegramAccountConfig {
  botToken: string;
  /** Bot API root; point it at a local Bot API server or a test fake. */
  apiRoot: string;
  mode: 'polling' | 'webhook';
  /** Polling: how long a getUpdates is held open by Telegram, in seconds. */
  pollTimeoutS: number;
  /** Polling: the wait after a failed getUpdates before the next (Telegram's retry_after wins). */
  pollRetryMs: number;
  webhook?: {
    /** Route on the gateway's port that receives updates. */
    path: string;
    /** Compared with the `X-Telegram-Bot-Api-Secret-Token` header. */
    secretToken: string;
    /** Public URL to register with setWebhook; when absent, register it yourself. */
    url?: string | undefined;
  };
}

/**
 * The checked `channels.telegram` account → the adapter's config. The token comes from
 * `botToken`, `tokenFile`, or (default account only) `TELEGRAM_BOT_TOKEN`.
 */
export function resolveTelegramConfig(
  c: WithDefaults<TelegramConfigInput, 'apiRoot' | 'pollTimeoutS' | 'pollRetryMs'>,
  accountId: string,
): TelegramAccountConfig {
  let botToken = c.botToken?.trim() ?? '';
  if (!botToken && c.tokenFile) {
    // Read once at config time (not on the hot path); the file holds only the token.
    botToken = readFileSync(c.tokenFile, 'utf8').trim();
    if (botToken && !/^\d+:[\w-]+$/.test(botToken))
      throw new AccountConfigError('tokenFile', 'does not hold a Telegram bot token (<id>:<secret>)');
  }
  if (!botToken && accountId === 'default') botToken = process.env.TELEGRAM_BOT_TOKEN?.trim() ?? '';
  if (botToken && !/^\d+:[\w-]+$/.test(botToken))
    throw new AccountConfigError('botToken', 'does not look like a Telegram bot token (<id>:<secret>)');
  const mode = c.mode ?? (c.webhook ? 'webhook' : 'polling');
  const cfg: TelegramAccountConfig = {
    botToken,
    apiRoot: c.apiRoot.replace(/\/+$/, ''),
    mode,
    pollTimeoutS: c.pollTimeoutS,
    pollRetryMs: c.pollRetryMs,
  };
  if (mode === 'webhook') {
    const w = c.webhook ?? {};
    if (!w.secretToken)
      throw new AccountConfigError(
        'webhook.secretToken',
        'is required in webhook mode (16-256 of A-Z a-z 0-9 _ -): without it anyone could post fake updates',
      );
    cfg.webhook = {
      path: w.path ?? `/channels/telegram/${encodeURIComponent(accountId)}/webhook`,
      secretToken: w.secretToken,
      url: w.url,
    };
  }
  return cfg;
}
