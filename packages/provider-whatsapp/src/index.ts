import type { ChannelProvider } from '@openclaw/gateway-core/channel';
import { normalizeWhatsAppId, parseWhatsAppConfig, type WhatsAppAccountConfig } from './config.ts';
import { whatsappConfigSchema } from './config-schema.ts';
import { WhatsAppAdapter, whatsappCapabilities } from './whatsapp-adapter.ts';

export { type AuthStore, openAuthStore, writeFileAtomic } from './auth-store.ts';
export { normalizeWhatsAppId, parseWhatsAppConfig, type WhatsAppAccountConfig } from './config.ts';
export {
  DEFAULT_WA_WEBSOCKET_URL,
  type WhatsAppConfigInput,
  whatsappConfigSchema,
} from './config-schema.ts';
export {
  linkingOf,
  qrDataUrl,
  type WhatsAppLinking,
  type WhatsAppLoginState,
  type WhatsAppLoginStatus,
} from './linking.ts';
export { normalizeMessage, toJid, userOf, type WhatsAppSelf } from './normalize.ts';
export {
  baileysSocketFactory,
  type WhatsAppSocket,
  type WhatsAppSocketEvents,
  type WhatsAppSocketFactory,
  type WhatsAppSocketOptions,
} from './socket.ts';
export {
  classifyDisconnect,
  classifySendError,
  messageIdFor,
  WhatsAppAdapter,
  type WhatsAppAdapterOptions,
  whatsappCapabilities,
} from './whatsapp-adapter.ts';

/** WhatsApp through Baileys (a linked device): `channels.whatsapp` in config. */
export const whatsappProvider: ChannelProvider<WhatsAppAccountConfig> = {
  id: 'whatsapp',
  label: 'WhatsApp',
  capabilities: whatsappCapabilities,
  configSchema: whatsappConfigSchema,
  parseAccountConfig: parseWhatsAppConfig,
  // Nothing to configure up front: the account links by scanning a QR.
  isConfigured: () => true,
  create: (config, accountId) => new WhatsAppAdapter(config, accountId),
  normalizeSenderId: normalizeWhatsAppId,
};
