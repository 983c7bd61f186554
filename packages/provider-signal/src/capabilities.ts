// What Signal can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const signalCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group'],
  // signal-cli truncates a body at 2000 bytes of UTF-8 (AsamK/signal-cli#1598), not 2000 characters.
  text: { max: 2000, unit: 'utf8-bytes', markdown: 'none' },
  media: {
    inbound: true,
    outbound: true,
    maxBytes: 100 * 1024 * 1024,
    // /v2/send has no voice-note flag, and its stickers are installed packs, not uploads.
    kinds: ['image', 'video', 'audio', 'file'],
  },
  typing: true,
  reactions: true,
  threads: false,
  mentionDetection: true,
  // Signal publishes no rate; going faster earns a captcha challenge that needs a human.
  pacing: { perChatMs: 500, perAccountMs: 100 },
};
