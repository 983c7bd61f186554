import { readFileSync } from 'node:fs';

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

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function count(v: unknown, fallback: number, name: string, min: number, max: number): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return v;
}

/** Token from `botToken`, `tokenFile`, or (default account only) `TELEGRAM_BOT_TOKEN`. */
export function parseTelegramConfig(raw: Record<string, unknown>, accountId: string): TelegramAccountConfig {
  let botToken = typeof raw.botToken === 'string' ? raw.botToken.trim() : '';
  if (!botToken && typeof raw.tokenFile === 'string') {
    // Read once at config time (not on the hot path); the file holds only the token.
    botToken = readFileSync(raw.tokenFile, 'utf8').trim();
  }
  if (!botToken && accountId === 'default') botToken = process.env.TELEGRAM_BOT_TOKEN?.trim() ?? '';
  if (botToken && !/^\d+:[\w-]+$/.test(botToken))
    throw new Error('botToken does not look like a Telegram bot token (<id>:<secret>)');
  const mode = raw.mode === undefined ? (isObj(raw.webhook) ? 'webhook' : 'polling') : raw.mode;
  if (mode !== 'polling' && mode !== 'webhook') throw new Error('mode must be polling or webhook');
  const cfg: TelegramAccountConfig = {
    botToken,
    apiRoot: typeof raw.apiRoot === 'string' ? raw.apiRoot.replace(/\/+$/, '') : 'https://api.telegram.org',
    mode,
    pollTimeoutS: count(raw.pollTimeoutS, 50, 'pollTimeoutS', 0, 50),
    pollRetryMs: count(raw.pollRetryMs, 5000, 'pollRetryMs', 10, 600_000),
  };
  if (mode === 'webhook') {
    const w = isObj(raw.webhook) ? raw.webhook : {};
    const secretToken = typeof w.secretToken === 'string' ? w.secretToken : '';
    // Telegram allows 1-256 of A-Z a-z 0-9 _ -; without it anyone could post fake updates.
    if (!/^[\w-]{16,256}$/.test(secretToken))
      throw new Error('webhook.secretToken is required (16-256 of A-Z a-z 0-9 _ -)');
    cfg.webhook = {
      path:
        typeof w.path === 'string' ? w.path : `/channels/telegram/${encodeURIComponent(accountId)}/webhook`,
      secretToken,
      url: typeof w.url === 'string' ? w.url : undefined,
    };
  }
  return cfg;
}
