// The iMessage channel's descriptor. Reading it loads no axios: create() imports the adapter.
import { defineChannelProvider } from '@openclaw/gateway-core/channel';
import { imessageCapabilities } from './capabilities.ts';
import { normalizeIMessageId, resolveIMessageConfig } from './config.ts';
import { imessageConfigSchema } from './config-schema.ts';

export { imessageCapabilities } from './capabilities.ts';
export {
  type IMessageAccountConfig,
  type IMessageReceiveMode,
  type IMessageSendMethod,
  normalizeIMessageId,
  resolveIMessageConfig,
} from './config.ts';
export { type IMessageConfigInput, imessageConfigSchema } from './config-schema.ts';

/** iMessage through a BlueBubbles server on a Mac: `channels.imessage` in config. */
export const imessageProvider = defineChannelProvider({
  id: 'imessage',
  label: 'iMessage',
  capabilities: imessageCapabilities,
  configSchema: imessageConfigSchema,
  libraries: ['axios'],
  resolveConfig: resolveIMessageConfig,
  // Users paste `imessage:+1 555 …`, numbers with spaces, or emails in mixed case.
  normalizeSenderId: normalizeIMessageId,
  create: async (config, accountId) => {
    const { IMessageAdapter } = await import('./imessage-adapter.ts');
    return new IMessageAdapter(config, accountId);
  },
});
