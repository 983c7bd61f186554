// What Discord can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

/** Bots without Nitro upload at most this per file. */
export const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;

export const discordCapabilities: ChannelCapabilities = {
  // Guild channels are reported as `group` (mention gating applies); we never emit `channel`.
  chatKinds: ['direct', 'group'],
  // Discord's API is Python and counts code points: 2000 for bots without Nitro.
  text: { max: 2000, unit: 'codepoint', markdown: 'markdown' },
  // A caption travels as the message content, so it has the same limit.
  media: {
    inbound: true,
    outbound: true,
    maxBytes: MAX_UPLOAD_BYTES,
    captionMax: 2000,
    // A voice message needs a waveform and duration Discord computes in its own clients; stickers
    // are Discord's own, not uploads.
    kinds: ['image', 'video', 'audio', 'file'],
  },
  typing: true,
  reactions: true,
  threads: true,
  mentionDetection: true,
  // We send `nonce` + `enforce_nonce`, so Discord answers a repeat with the first message instead
  // of posting twice: resending an in-doubt part is safe (within Discord's few-minute nonce window).
  idempotentSend: true,
  // @discordjs/rest already queues per rate-limit bucket; extra pacing would only add latency.
  pacing: { perChatMs: 0, perAccountMs: 0 },
};
