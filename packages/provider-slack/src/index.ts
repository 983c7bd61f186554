// The Slack channel's descriptor. Reading it loads no Slack SDK: create() imports the adapter.
import { defineChannelProvider } from '@openclaw/gateway-core/channel';
import { slackCapabilities } from './capabilities.ts';
import { isSlackConfigured, resolveSlackConfig } from './config.ts';
import { slackConfigSchema } from './config-schema.ts';

export { slackCapabilities } from './capabilities.ts';
export { isSlackConfigured, resolveSlackConfig, type SlackAccountConfig, type SlackMode } from './config.ts';
export { type SlackConfigInput, slackConfigSchema } from './config-schema.ts';

/** The Slack channel: `channels.slack` in config. */
export const slackProvider = defineChannelProvider({
  id: 'slack',
  label: 'Slack',
  capabilities: slackCapabilities,
  configSchema: slackConfigSchema,
  libraries: ['@slack/web-api', '@slack/socket-mode'],
  resolveConfig: resolveSlackConfig,
  // What an account needs depends on its mode (app token for socket, signing secret for events-http).
  isConfigured: isSlackConfigured,
  // Users paste ids as `slack:U123`, `<@U123>` or `@U123`; Slack ids are upper case.
  normalizeSenderId: (entry) =>
    entry
      .trim()
      .replace(/^slack:/i, '')
      .replace(/^<@([^|>]+)(?:\|[^>]*)?>$/, '$1')
      .replace(/^@/, '')
      .toUpperCase(),
  create: async (config, accountId) => {
    const { SlackAdapter } = await import('./slack-adapter.ts');
    return new SlackAdapter(config, accountId);
  },
});
