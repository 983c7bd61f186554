export {
  FakeWhatsApp,
  type FakeWhatsAppOptions,
  type WhatsAppMediaInput,
  type WhatsAppPresence,
  type WhatsAppPushOptions,
  type WhatsAppSent,
} from './fake-whatsapp.ts';
export type { WaMediaType } from './media-host.ts';
export type { WaLib, WaMessage, WaNode } from './wa-lib.ts';
