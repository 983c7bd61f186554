// The Discord channel's descriptor. Reading it loads no discord.js: create() imports the adapter.
import { defineChannelProvider } from '@openclaw/gateway-core/channel';
import { discordCapabilities } from './capabilities.ts';
import { resolveDiscordConfig } from './config.ts';
import { discordConfigSchema } from './config-schema.ts';

export { discordCapabilities } from './capabilities.ts';
export { DEFAULT_INTENTS, type DiscordAccountConfig, resolveDiscordConfig } from './config.ts';
export { type DiscordConfigInput, discordConfigSchema } from './config-schema.ts';

/** The Discord channel: `channels.discord` in config. */
export const discordProvider = defineChannelProvider({
  id: 'discord',
  label: 'Discord',
  capabilities: discordCapabilities,
  configSchema: discordConfigSchema,
  libraries: ['discord.js'],
  resolveConfig: resolveDiscordConfig,
  // Users paste ids as `discord:123`, `user:123` or the mention form `<@123>` / `<@!123>`.
  normalizeSenderId: (entry) =>
    entry
      .trim()
      .replace(/^(discord|user):/i, '')
      .replace(/^<@!?(\d+)>$/, '$1'),
  create: async (config, accountId) => {
    const { DiscordAdapter } = await import('./discord-adapter.ts');
    return new DiscordAdapter(config, accountId);
  },
});
