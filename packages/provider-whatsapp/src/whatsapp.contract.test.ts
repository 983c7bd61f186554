import { join } from 'node:path';
import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { FakeWhatsApp, prelink, tempDir, waLib } from '../test/support.ts';
import { whatsappProvider } from './index.ts';

/** The account's wait after a 429; not a value any default or the contract's retry-after has. */
const RATE_LIMIT_RETRY_MS = 1500;

interface Harness {
  fake: FakeWhatsApp;
  authDir: string;
  cleanup(): Promise<void>;
}

/**
 * The core's channel contract over real Baileys and FakeWhatsApp. Each run links a fresh auth dir
 * first (QR → scan → 515 → login, then stop), so the contract's boot logs in with stored
 * credentials and sees the account connected.
 */
describeChannelContract<Harness>({
  provider: whatsappProvider,
  // The platform's own limit, apart from what the provider declares.
  platformTextLimit: {
    max: 65_536,
    unit: 'codepoint',
    source: 'WhatsApp (consumer app): about 65,536 characters per text message',
  },
  startFake: async () => {
    const fake = await FakeWhatsApp.start({ lib: waLib });
    const tmp = await tempDir();
    const authDir = join(tmp.dir, 'auth');
    await prelink(fake, authDir);
    return { fake, authDir, cleanup: tmp.cleanup };
  },
  stopFake: async (h) => {
    await h.fake.close();
    await h.cleanup();
  },
  accountConfig: (h) => ({
    authDir: h.authDir,
    waWebSocketUrl: h.fake.wsUrl,
    // WhatsApp's rate-overlimit carries no retry-after: the wait is this setting.
    rateLimitRetryMs: RATE_LIMIT_RETRY_MS,
  }),
  ids: { senderA: '15550000001', senderB: '15550000002', group: '120363000000000001' },
  pushDirect: async (h, m) => {
    await h.fake.pushText(m.senderId, m.text, { pushName: m.senderName });
  },
  pushGroup: async (h, m) => {
    const bot = `${h.fake.phone}@s.whatsapp.net`;
    // A mention is `@<number>` in the text plus the jid in contextInfo.mentionedJid.
    await h.fake.pushGroupText(m.groupId, m.senderId, m.mention ? `@${h.fake.phone} ${m.text}` : m.text, {
      pushName: m.senderName,
      ...(m.mention ? { mentions: [bot] } : {}),
    });
  },
  sent: (h) => h.fake.sent.filter((s) => !s.reaction).map((s) => ({ chatId: s.to, text: s.text })),
  directChatId: (s) => `${s}@s.whatsapp.net`,
  groupChatId: (g) => `${g}@g.us`,
  failNextSendWith429: (h) => h.fake.failNextSend(429, 'rate-overlimit'),
  sendCalls: (h) => h.fake.sendAttempts,
  goOffline: (h) => h.fake.goOffline(),
  goOnline: (h) => h.fake.goOnline(),
  expectedRetryWaitMs: () => RATE_LIMIT_RETRY_MS,
  activity: (h) => h.fake.activity(),
  // A running client holds its socket open; a dropped one is brought back by the supervisor.
  maxSilenceMs: () => 0,
});
