import type { ChannelProvider } from '@openclaw/gateway-core/channel';
import { isSlackConfigured, parseSlackConfig, type SlackAccountConfig } from './config.ts';
import { slackConfigSchema } from './config-schema.ts';
import { SlackAdapter, slackCapabilities } from './slack-adapter.ts';

export { isSlackConfigured, parseSlackConfig, type SlackAccountConfig, type SlackMode } from './config.ts';
export { type SlackConfigInput, slackConfigSchema } from './config-schema.ts';
export { reactionName } from './emoji.ts';
export { classifySendError, classifyStartError } from './errors.ts';
export { type EventCallback, eventsHttpHandler } from './events-http.ts';
export {
  normalizeMessage,
  type SlackMessageEvent,
  type SlackSelf,
  skipReason,
  slackToPlain,
} from './normalize.ts';
export { verifySlackSignature } from './signature.ts';
export { SlackAdapter, slackCapabilities } from './slack-adapter.ts';

/** The Slack channel: `channels.slack` in config. */
export const slackProvider: ChannelProvider<SlackAccountConfig> = {
  id: 'slack',
  label: 'Slack',
  capabilities: slackCapabilities,
  configSchema: slackConfigSchema,
  parseAccountConfig: parseSlackConfig,
  isConfigured: isSlackConfigured,
  create: (config, accountId) => new SlackAdapter(config, accountId),
  // Users paste ids as `slack:U123`, `<@U123>` or `@U123`; Slack ids are upper case.
  normalizeSenderId: (entry) =>
    entry
      .trim()
      .replace(/^slack:/i, '')
      .replace(/^<@([^|>]+)(?:\|[^>]*)?>$/, '$1')
      .replace(/^@/, '')
      .toUpperCase(),
};
