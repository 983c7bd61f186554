// The Telegram channel's descriptor. Reading it loads no telegraf: create() imports the adapter.
import { defineChannelProvider } from '@openclaw/gateway-core/channel';
import { telegramCapabilities } from './capabilities.ts';
import { resolveTelegramConfig } from './config.ts';
import { telegramConfigSchema } from './config-schema.ts';

export { telegramCapabilities } from './capabilities.ts';
export { resolveTelegramConfig, type TelegramAccountConfig } from './config.ts';
export { type TelegramConfigInput, telegramConfigSchema } from './config-schema.ts';

/** The Telegram channel: `channels.telegram` in config. */
export const telegramProvider = defineChannelProvider({
  id: 'telegram',
  label: 'Telegram',
  capabilities: telegramCapabilities,
  configSchema: telegramConfigSchema,
  libraries: ['telegraf'],
  resolveConfig: resolveTelegramConfig,
  // Users paste ids as `tg:123`, `telegram:123` or plain numbers.
  normalizeSenderId: (entry) => entry.trim().replace(/^(tg|telegram):/i, ''),
  create: async (config, accountId) => {
    const { TelegramAdapter } = await import('./telegram-adapter.ts');
    return new TelegramAdapter(config, accountId);
  },
});
