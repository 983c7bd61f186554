import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { FakeTelegram } from '@openclaw/test-fakes';
import { telegramProvider } from './index.ts';

const users = { 1001: 'Ann', 1002: 'Bob' } as Record<number, string>;
/** How long the fake holds an empty getUpdates; telegraf polls again as soon as one returns. */
const HOLD_MS = 100;

describeChannelContract<FakeTelegram>({
  provider: telegramProvider,
  // The platform's own limit, apart from what the provider declares.
  platformTextLimit: {
    max: 4096,
    unit: 'utf16',
    source: 'Bot API sendMessage: text of 1-4096 characters after entity parsing, counted in UTF-16 units',
  },
  startFake: () => FakeTelegram.start({ holdMs: HOLD_MS }),
  stopFake: (f) => f.close(),
  // A short wait between failed polls keeps the liveness case quick.
  accountConfig: (f) => ({ botToken: f.token, apiRoot: f.apiRoot, pollRetryMs: 100 }),
  ids: { senderA: '1001', senderB: '1002', group: '-100777' },
  pushDirect: async (f, m) => {
    await f.pushMessage({
      chatId: Number(m.senderId),
      from: { id: Number(m.senderId), first_name: m.senderName },
      text: m.text,
    });
  },
  pushGroup: async (f, m) => {
    await f.pushMessage({
      chatId: Number(m.groupId),
      chatType: 'supergroup',
      from: { id: Number(m.senderId), first_name: users[Number(m.senderId)] ?? m.senderName },
      text: m.text,
      mentionBot: m.mention,
    });
  },
  sent: (f) => f.sent.map((s) => ({ chatId: s.chatId, text: s.text ?? s.caption ?? '' })),
  directChatId: (s) => s,
  groupChatId: (g) => g,
  failNextSendWith429: (f, s) => f.failNext({ method: 'sendMessage', status: 429, retryAfter: s }),
  sendCalls: (f) => f.calls.filter((c) => c.method === 'sendMessage').length,
  goOffline: (f) => f.goOffline(),
  goOnline: (f) => f.goOnline(),
  // Telegram: 429 with parameters.retry_after (seconds).
  expectedRetryWaitMs: (s) => s * 1000,
  activity: (f) => f.activity(),
  maxSilenceMs: () => HOLD_MS,
});
