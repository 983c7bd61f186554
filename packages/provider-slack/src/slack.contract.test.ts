import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { FakeSlack } from '@openclaw/test-fakes';
import { slackProvider } from './index.ts';

// DMs live in a per-user IM channel (D…); the bot answers there, not to the user id.
const dmChannel = (userId: string) => `D${userId}`;

// A short pong deadline keeps the Socket Mode client's timers (and reconnect delay) small.
const PING_TIMEOUT_MS = 400;

const profile = (name: string) => ({ display_name: name, real_name: name, name: name.toLowerCase() });

describeChannelContract<FakeSlack>({
  provider: slackProvider,
  // The platform's own limit, apart from what the provider declares.
  platformTextLimit: {
    max: 4000,
    unit: 'codepoint',
    source:
      'chat.postMessage: keep text to 4,000 characters for best results; Slack truncates past 40,000 (characters: counted here as code points)',
  },
  startFake: () => FakeSlack.start(),
  stopFake: (f) => f.close(),
  accountConfig: (f) => ({
    botToken: f.botToken,
    appToken: f.appToken,
    apiUrl: f.apiUrl,
    clientPingTimeoutMs: PING_TIMEOUT_MS,
  }),
  ids: { senderA: 'UANN0001', senderB: 'UBOB0002', group: 'CGENERAL1' },
  pushDirect: async (f, m) => {
    const event = f.buildMessageEvent({
      channel: dmChannel(m.senderId),
      channelType: 'im',
      user: m.senderId,
      text: m.text,
    });
    await f.pushEvent({ ...event, user_profile: profile(m.senderName) });
  },
  pushGroup: async (f, m) => {
    const event = f.buildMessageEvent({
      channel: m.groupId,
      channelType: 'channel',
      user: m.senderId,
      text: m.text,
      mentionBot: m.mention,
    });
    await f.pushEvent({ ...event, user_profile: profile(m.senderName) });
    // A mention also arrives as app_mention for the same ts; the adapter must emit it once.
    if (m.mention) {
      await f.pushEvent({
        type: 'app_mention',
        channel: m.groupId,
        user: m.senderId,
        text: event.text,
        ts: event.ts,
      });
    }
  },
  sent: (f) => f.sent.map((s) => ({ chatId: s.channel, text: s.text })),
  directChatId: dmChannel,
  groupChatId: (g) => g,
  failNextSendWith429: (f, s) => f.failNext({ method: 'chat.postMessage', status: 429, retryAfter: s }),
  sendCalls: (f) => f.calls.filter((c) => c.method === 'chat.postMessage').length,
  goOffline: (f) => f.goOffline(),
  goOnline: (f) => f.goOnline(),
  // Slack: HTTP 429 with a Retry-After header (seconds).
  expectedRetryWaitMs: (s) => s * 1000,
  activity: (f) => f.activity(),
  // A running bot holds its Socket Mode socket open; a dropped one reconnects after the pong deadline.
  maxSilenceMs: () => PING_TIMEOUT_MS,
});
