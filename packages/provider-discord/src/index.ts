import type { ChannelProvider } from '@openclaw/gateway-core/channel';
import { type DiscordAccountConfig, parseDiscordConfig } from './config.ts';
import { discordConfigSchema } from './config-schema.ts';
import { DiscordAdapter, discordCapabilities } from './discord-adapter.ts';

export { DEFAULT_INTENTS, type DiscordAccountConfig, parseDiscordConfig } from './config.ts';
export { type DiscordConfigInput, discordConfigSchema } from './config-schema.ts';
export {
  classifyCloseCode,
  classifyDiscordError,
  DiscordAdapter,
  discordCapabilities,
  toNonce,
} from './discord-adapter.ts';
export { chatOf, normalizeMessage, stripBotMention } from './normalize.ts';

/** The Discord channel: `channels.discord` in config. */
export const discordProvider: ChannelProvider<DiscordAccountConfig> = {
  id: 'discord',
  label: 'Discord',
  capabilities: discordCapabilities,
  configSchema: discordConfigSchema,
  parseAccountConfig: parseDiscordConfig,
  isConfigured: (c) => c.botToken.length > 0,
  create: (config, accountId) => new DiscordAdapter(config, accountId),
  // Users paste ids as `discord:123`, `user:123` or the mention form `<@123>` / `<@!123>`.
  normalizeSenderId: (entry) =>
    entry
      .trim()
      .replace(/^(discord|user):/i, '')
      .replace(/^<@!?(\d+)>$/, '$1'),
};
