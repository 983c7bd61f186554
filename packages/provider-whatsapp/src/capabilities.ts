// What WhatsApp can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const whatsappCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group'],
  // WhatsApp accepts about 65,536 characters; replies are kept to 4000 so they read as messages.
  text: { max: 4000, unit: 'codepoint', markdown: 'none' },
  // Encrypted media through WhatsApp's HTTPS media hosts. Baileys encrypts a whole file before
  // its upload starts (held in memory), which WhatsApp's own limits bound.
  media: {
    inbound: true,
    outbound: true,
    maxBytes: 100 * 1024 * 1024,
    maxBytesByKind: {
      image: 16 * 1024 * 1024,
      video: 16 * 1024 * 1024,
      audio: 16 * 1024 * 1024,
      voice: 16 * 1024 * 1024,
      sticker: 1024 * 1024,
    },
    captionMax: 1024,
  },
  typing: true,
  reactions: true,
  threads: false,
  mentionDetection: true,
  // WhatsApp publishes no rate; the risk is a ban. About one message a second per chat, with the
  // core adding jitter.
  pacing: { perChatMs: 1000, perAccountMs: 250 },
  // Message ids are ours (from the outbox nonce): a resend is the same message, kept once.
  idempotentSend: true,
  // A linked device: the account is added by scanning a QR on the phone.
  linking: { method: 'qr', scanIn: 'WhatsApp: Settings → Linked devices → Link a device' },
};
