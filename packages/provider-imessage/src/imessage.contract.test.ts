import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { FakeBlueBubbles } from '@openclaw/test-fakes';
import { imessageProvider } from './index.ts';

/**
 * The contract's harness mounts no webhook routes, so this runs the adapter in poll mode
 * (POST /api/v1/message/query). iMessage has no mention entities: a group message "mentions" the
 * bot the way people address one in iMessage, by starting with its configured name (`@Bot …`),
 * which `mentionNames` turns into `mentions.bot`. BlueBubbles itself never answers 429; the fake
 * does so as a proxy in front of it would, with Retry-After.
 */
describeChannelContract<FakeBlueBubbles>({
  provider: imessageProvider,
  startFake: () => FakeBlueBubbles.start({ password: 'contract-password-123' }),
  stopFake: (f) => f.close(),
  accountConfig: (f) => ({
    serverUrl: f.url,
    password: f.password,
    receive: 'poll',
    pollIntervalMs: 20,
    mentionNames: ['Bot'],
  }),
  ids: { senderA: '+15550000001', senderB: 'bob@example.com', group: 'chat493027118' },
  pushDirect: async (f, m) => {
    await f.pushMessage({ from: m.senderId, text: m.text });
  },
  pushGroup: async (f, m) => {
    await f.pushMessage({
      chatGuid: FakeBlueBubbles.groupGuid(m.groupId),
      from: m.senderId,
      text: m.mention ? `@Bot ${m.text}` : m.text,
      displayName: 'Friends',
    });
  },
  sent: (f) => f.sent.map((s) => ({ chatId: s.chatGuid, text: s.message })),
  directChatId: (s) => FakeBlueBubbles.directGuid(s),
  groupChatId: (g) => FakeBlueBubbles.groupGuid(g),
  failNextSendWith429: (f, s) => f.failNext({ method: 'message/text', status: 429, retryAfter: s }),
  sendCalls: (f) => f.calls.filter((c) => c.route === 'message/text').length,
  goOffline: (f) => f.goOffline(),
  goOnline: (f) => f.goOnline(),
});
