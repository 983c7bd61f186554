import type { ChannelProvider } from '@openclaw/gateway-core/channel';
import { parseTelegramConfig, type TelegramAccountConfig } from './config.ts';
import { telegramConfigSchema } from './config-schema.ts';
import { TelegramAdapter, telegramCapabilities } from './telegram-adapter.ts';

export { parseTelegramConfig, type TelegramAccountConfig } from './config.ts';
export { type TelegramConfigInput, telegramConfigSchema } from './config-schema.ts';
export { normalizeMessage } from './normalize.ts';
export { classifyTelegramError, TelegramAdapter, telegramCapabilities } from './telegram-adapter.ts';

/** The Telegram channel: `channels.telegram` in config. */
export const telegramProvider: ChannelProvider<TelegramAccountConfig> = {
  id: 'telegram',
  label: 'Telegram',
  capabilities: telegramCapabilities,
  configSchema: telegramConfigSchema,
  parseAccountConfig: parseTelegramConfig,
  isConfigured: (c) => c.botToken.length > 0,
  create: (config, accountId) => new TelegramAdapter(config, accountId),
  // Users paste ids as `tg:123`, `telegram:123` or plain numbers.
  normalizeSenderId: (entry) => entry.trim().replace(/^(tg|telegram):/i, ''),
};
