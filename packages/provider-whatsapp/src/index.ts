// The WhatsApp channel's descriptor. Reading it loads no Baileys: create() imports the adapter.
import { defineChannelProvider } from '@openclaw/gateway-core/channel';
import { whatsappCapabilities } from './capabilities.ts';
import { normalizeWhatsAppId, resolveWhatsAppConfig } from './config.ts';
import { whatsappConfigSchema } from './config-schema.ts';

export { whatsappCapabilities } from './capabilities.ts';
export { normalizeWhatsAppId, resolveWhatsAppConfig, type WhatsAppAccountConfig } from './config.ts';
export {
  DEFAULT_WA_WEBSOCKET_URL,
  type WhatsAppConfigInput,
  whatsappConfigSchema,
} from './config-schema.ts';

/**
 * WhatsApp through Baileys (a linked device): `channels.whatsapp` in config. Nothing is needed up
 * front (its schema marks no credential): the account links by scanning a QR.
 */
export const whatsappProvider = defineChannelProvider({
  id: 'whatsapp',
  label: 'WhatsApp',
  capabilities: whatsappCapabilities,
  configSchema: whatsappConfigSchema,
  libraries: ['@whiskeysockets/baileys', 'qrcode'],
  resolveConfig: resolveWhatsAppConfig,
  normalizeSenderId: normalizeWhatsAppId,
  create: async (config, accountId) => {
    const { WhatsAppAdapter } = await import('./whatsapp-adapter.ts');
    return new WhatsAppAdapter(config, accountId);
  },
});
