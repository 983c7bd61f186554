// What iMessage can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const imessageCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group'],
  // Messages.app takes long bodies, but past a few thousand characters delivery gets unreliable;
  // 4000 code points keeps every chunk one comfortable bubble.
  text: { max: 4000, unit: 'codepoint', markdown: 'none' },
  media: {
    inbound: true,
    outbound: true,
    maxBytes: 100 * 1024 * 1024,
    kinds: ['image', 'video', 'audio', 'file'],
  },
  // Both need the BlueBubbles Private API; a running adapter reports what its server offers.
  typing: true,
  reactions: true,
  threads: false,
  // iMessage has no mention entities. Groups are gated by `mentionNames` (`@Name`, `Name:`), or
  // answered in full with requireMention: false.
  mentionDetection: false,
  // Messages.app sends one AppleScript call at a time; bursts only queue up on the Mac.
  pacing: { perChatMs: 500, perAccountMs: 250 },
};
