import type { ChannelProvider } from '@openclaw/gateway-core/channel';
import { type IMessageAccountConfig, normalizeIMessageId, parseIMessageConfig } from './config.ts';
import { imessageConfigSchema } from './config-schema.ts';
import { IMessageAdapter, imessageCapabilities } from './imessage-adapter.ts';

export { type BbServerInfo, BlueBubblesApi, BlueBubblesHttpError, redact } from './bluebubbles-api.ts';
export {
  type IMessageAccountConfig,
  type IMessageReceiveMode,
  type IMessageSendMethod,
  normalizeIMessageId,
  parseIMessageConfig,
} from './config.ts';
export { type IMessageConfigInput, imessageConfigSchema } from './config-schema.ts';
export {
  classifySendError,
  classifyStartError,
  IMessageAdapter,
  imessageCapabilities,
  TAPBACKS,
  tapbackFor,
  tempGuidFor,
} from './imessage-adapter.ts';
export {
  addressesBot,
  type BbAttachment,
  type BbChat,
  type BbMessage,
  chatGuidFor,
  isGroupGuid,
  normalizeMessage,
} from './normalize.ts';
export { SeenCache } from './seen-cache.ts';
export { presentedSecret, SECRET_HEADER, secretMatches, type WebhookRequest } from './webhook.ts';

/** iMessage through a BlueBubbles server on a Mac: `channels.imessage` in config. */
export const imessageProvider: ChannelProvider<IMessageAccountConfig> = {
  id: 'imessage',
  label: 'iMessage',
  capabilities: imessageCapabilities,
  configSchema: imessageConfigSchema,
  parseAccountConfig: parseIMessageConfig,
  isConfigured: (c) => c.serverUrl.length > 0 && c.password.length > 0,
  create: (config, accountId) => new IMessageAdapter(config, accountId),
  // Users paste `imessage:+1 555 …`, numbers with spaces, or emails in mixed case.
  normalizeSenderId: normalizeIMessageId,
};
