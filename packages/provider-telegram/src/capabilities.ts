// What Telegram can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const telegramCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group', 'channel'],
  // 4096 after entity parsing, counted in UTF-16 units.
  text: { max: 4096, unit: 'utf16', markdown: 'none' },
  media: {
    inbound: true,
    outbound: true,
    // Uploads: 50 MB, photos 10 MB; a bot downloads at most 20 MB (getFile).
    maxBytes: 50 * 1024 * 1024,
    maxBytesByKind: { image: 10 * 1024 * 1024 },
    maxDownloadBytes: 20 * 1024 * 1024,
    captionMax: 1024,
  },
  typing: true,
  reactions: true,
  threads: true,
  mentionDetection: true,
  // About 1 message/s per chat and 30/s per bot; beyond that Telegram answers 429.
  pacing: { perChatMs: 1000, perAccountMs: 34 },
};
