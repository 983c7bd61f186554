// What WhatsApp can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const whatsappCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group'],
  // WhatsApp accepts about 65,536 characters; replies are kept to 4000 so they read as messages.
  text: { max: 4000, unit: 'codepoint', markdown: 'none' },
  // Media needs WhatsApp's HTTPS media hosts (upload and download); not wired yet.
  media: { inbound: false, outbound: false },
  typing: true,
  reactions: true,
  threads: false,
  mentionDetection: true,
  // WhatsApp publishes no rate; the risk is a ban. About one message a second per chat, with the
  // core adding jitter.
  pacing: { perChatMs: 1000, perAccountMs: 250 },
  // A linked device: the account is added by scanning a QR on the phone.
  linking: { method: 'qr', scanIn: 'WhatsApp: Settings → Linked devices → Link a device' },
};
