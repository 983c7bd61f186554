// What Relay can do, as the core reads it.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const relayCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group'],
  text: { max: 500, unit: 'codepoint', markdown: 'none' },
  media: { inbound: false, outbound: false },
  typing: false,
  reactions: false,
  threads: false,
  mentionDetection: true,
  pacing: { perChatMs: 0, perAccountMs: 0 },
};
