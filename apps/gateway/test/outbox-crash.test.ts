// docs/CHANNELS.md, "Crashes": after a kill -9, a part that was on the wire is resent (Telegram
// has no idempotency key), so at most one part per chat being sent can arrive twice. The fake
// answers each send a while after taking it, so the kill finds parts on the wire in several chats.
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { crashRig, linesWith } from './crash-rig.ts';

const CHATS = 20;
const PER_CHAT = 5;

describe('a kill -9 with sends on the wire', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  it('duplicates at most one part per chat, and only parts the restart logged as in doubt', async ({
    annotate,
  }) => {
    const tg = await FakeTelegram.start({ holdMs: 100, sendDelayMs: 300 });
    cleanup.push(() => tg.close());
    const rig = await crashRig(cleanup, {
      telegram: {
        botToken: tg.token,
        apiRoot: tg.apiRoot,
        dmPolicy: 'open',
        sendConcurrency: 8,
        pacing: { perChatMs: 0, perAccountMs: 0 },
      },
    });
    const first = await rig.start();
    const chats = Array.from({ length: CHATS }, (_, chat) => String(7000 + chat));
    const texts = await rig.queueTexts(first, 'telegram', chats, PER_CHAT);
    // Deliveries are under way (eight chats at a time, each part on the wire for 300 ms).
    await waitFor(() => tg.sent.length >= CHATS, 30_000, 'delivery to be under way');
    await rig.kill(first);
    const beforeCrash = tg.sent.length;

    const second = await rig.start();
    await waitFor(() => new Set(tg.sent.map((s) => s.text)).size === texts.length, 60_000, 'every message');
    // Marker: the outbox has nothing left to send or confirm.
    await rig.outboxSettled(second);

    const resent = linesWith(second, 'interrupted by a restart');
    let duplicates = 0;
    for (let chat = 0; chat < CHATS; chat++) {
      const got = tg.sentTexts(7000 + chat);
      const extra = got.length - new Set(got).size;
      expect(extra, `chat ${7000 + chat}: ${JSON.stringify(got)}`).toBeLessThanOrEqual(1);
      duplicates += extra;
    }
    // The kill found parts on the wire (so this measured something), each one resent once.
    expect(duplicates).toBeGreaterThan(0);
    expect(duplicates).toBeLessThanOrEqual(resent);
    expect(resent).toBeLessThanOrEqual(8);
    expect(new Set(tg.sent.map((s) => s.text))).toEqual(new Set(texts));
    await annotate(
      `${beforeCrash} sent before the kill; ${resent} parts in doubt resent; ${duplicates} duplicates`,
    );
  }, 120_000);
});
