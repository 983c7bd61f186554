// docs/CHANNELS.md, "Crashes": after a kill -9, a part that was on the wire is resent (Telegram
// has no idempotency key), so at most one part per chat being sent can arrive twice. The fake
// answers each send a while after taking it, so the kill finds parts on the wire in several chats.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { connectOperator, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

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
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        channels: {
          telegram: {
            botToken: tg.token,
            apiRoot: tg.apiRoot,
            dmPolicy: 'open',
            sendConcurrency: 8,
            pacing: { perChatMs: 0, perAccountMs: 0 },
          },
        },
      }),
    );
    const token = randomBytes(24).toString('base64url');
    const first = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    cleanup.push(() => first.stop());
    const c = await connectOperator(first.url, token);
    const texts: string[] = [];
    // A chat's messages one after another: only the outbox's per-chat order keeps them apart.
    for (let chat = 0; chat < CHATS; chat++) {
      for (let i = 0; i < PER_CHAT; i++) {
        const text = `chat ${chat} message ${i}`;
        texts.push(text);
        await c.request('send', {
          channel: 'telegram',
          to: String(7000 + chat),
          message: text,
          idempotencyKey: text,
        });
      }
    }
    await c.close().catch(() => {});
    // Deliveries are under way (eight chats at a time, each part on the wire for 300 ms).
    await waitFor(() => tg.sent.length >= CHATS, 30_000, 'delivery to be under way');
    first.child.kill('SIGKILL');
    await first.waitForExit();
    const beforeCrash = tg.sent.length;

    const second = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    cleanup.push(() => second.stop());
    await waitFor(() => new Set(tg.sent.map((s) => s.text)).size === texts.length, 60_000, 'every message');
    // Marker: the outbox has nothing left to send or confirm.
    const op = await connectOperator(second.url, token);
    cleanup.push(() => op.close());
    const end = Date.now() + 20_000;
    for (;;) {
      const o = ((await op.request('channels.status', {})).channels as { outbox?: Record<string, number> })
        .outbox;
      if (o?.queued === 0 && o.sending === 0) break;
      if (Date.now() > end) throw new Error(`the outbox did not settle: ${JSON.stringify(o)}`);
      await new Promise((r) => setTimeout(r, 25));
    }

    const resent = second
      .output()
      .split('\n')
      .filter((l) => l.includes('interrupted by a restart')).length;
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
