// What Slack can do, as the core reads it: read without loading the platform library.
import type { ChannelCapabilities } from '@openclaw/gateway-core/channel';

export const slackCapabilities: ChannelCapabilities = {
  chatKinds: ['direct', 'group', 'channel'],
  // Slack truncates past 40,000 characters and advises staying under 4,000.
  text: { max: 4000, unit: 'codepoint', markdown: 'mrkdwn' },
  media: {
    inbound: true,
    outbound: true,
    maxBytes: 1024 * 1024 * 1024,
    // Voice clips are recorded in Slack's own clients only; a bot uploads files.
    kinds: ['image', 'video', 'audio', 'file'],
  },
  // The Web API has no typing indicator for bots (only legacy RTM had one).
  typing: false,
  reactions: true,
  threads: true,
  // thread_ts is how Slack replies: every chunk of a reply goes to the thread.
  replyStartsThread: true,
  mentionDetection: true,
  // chat.postMessage allows about one message per second per channel; other chats are independent.
  pacing: { perChatMs: 1000, perAccountMs: 0 },
};
