export {
  FakeWhatsApp,
  type FakeWhatsAppOptions,
  type WhatsAppPresence,
  type WhatsAppPushOptions,
  type WhatsAppSent,
} from './fake-whatsapp.ts';
export type { WaLib, WaMessage, WaNode } from './wa-lib.ts';
