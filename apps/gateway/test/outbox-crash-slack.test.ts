// docs/CHANNELS.md, "Media and chat actions" (exactly once): Slack has no idempotency key, but each
// part carries its outbox nonce as message metadata. After a kill -9 with parts on the wire (the
// fake answers each post 300 ms after recording it), the restart reads the channel's recent history
// for each part in doubt: one Slack has is marked sent, not posted again.
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeSlack, waitFor } from '@openclaw/test-fakes';
import { connectOperator, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const CHATS = 6;
const PER_CHAT = 4;

describe('a kill -9 with Slack posts on the wire', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  it('duplicates nothing: a part in doubt that Slack has is found in the history and not posted again', async () => {
    const slack = await FakeSlack.start({ postDelayMs: 300 });
    cleanup.push(() => slack.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        channels: {
          slack: {
            botToken: slack.botToken,
            appToken: slack.appToken,
            apiUrl: slack.apiUrl,
            dmPolicy: 'open',
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
    for (let chat = 0; chat < CHATS; chat++) {
      for (let i = 0; i < PER_CHAT; i++) {
        const text = `chat ${chat} message ${i}`;
        texts.push(text);
        await c.request('send', {
          channel: 'slack',
          to: `C${1000 + chat}`,
          message: text,
          idempotencyKey: text,
        });
      }
    }
    await c.close().catch(() => {});
    await waitFor(() => slack.sent.length >= CHATS, 30_000, 'delivery under way');
    first.child.kill('SIGKILL');
    await first.waitForExit();

    const second = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    cleanup.push(() => second.stop());
    await waitFor(
      () => new Set(slack.sent.map((s) => s.text)).size === texts.length,
      60_000,
      'every message',
    );
    const op = await connectOperator(second.url, token);
    cleanup.push(() => op.close());
    await waitFor(
      async () => {
        const o = ((await op.request('channels.status', {})).channels as { outbox?: Record<string, number> })
          .outbox;
        return o?.queued === 0 && o.sending === 0;
      },
      20_000,
      'the outbox to settle',
    );
    const found = second
      .output()
      .split('\n')
      .filter((l) => l.includes('the chat has it, so it is not sent again')).length;
    // The kill found parts on the wire (so this measured something); each was found, none reposted.
    expect(found).toBeGreaterThan(0);
    expect(slack.sent.map((s) => s.text).sort()).toEqual([...texts].sort());
    for (let chat = 0; chat < CHATS; chat++) {
      const got = slack.sent.filter((s) => s.channel === `C${1000 + chat}`).map((s) => s.text);
      expect(got, `C${1000 + chat}`).toEqual(texts.filter((t) => t.startsWith(`chat ${chat} `)));
    }
  }, 120_000);
});
