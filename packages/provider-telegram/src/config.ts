import { readFileSync } from 'node:fs';
import { AccountConfigError, checkAccountConfig } from '@openclaw/gateway-core/channel';
import { DEFAULT_TELEGRAM_API_ROOT, telegramConfigSchema } from './config-schema.ts';

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

/** Token from `botToken`, `tokenFile`, or (default account only) `TELEGRAM_BOT_TOKEN`. */
export function parseTelegramConfig(raw: Record<string, unknown>, accountId: string): TelegramAccountConfig {
  const c = checkAccountConfig(telegramConfigSchema, raw);
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
    apiRoot: (c.apiRoot ?? DEFAULT_TELEGRAM_API_ROOT).replace(/\/+$/, ''),
    mode,
    pollTimeoutS: c.pollTimeoutS ?? 50,
    pollRetryMs: c.pollRetryMs ?? 5000,
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
