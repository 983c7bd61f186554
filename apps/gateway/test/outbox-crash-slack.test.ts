// docs/CHANNELS.md, "Media and chat actions" (exactly once): Slack has no idempotency key, but each
// part carries its outbox nonce as message metadata. After a kill -9 with parts on the wire (the
// fake answers each post 300 ms after recording it), the restart reads the channel's recent history
// for each part in doubt: one Slack has is marked sent, not posted again.
import { FakeSlack, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { crashRig, linesWith } from './crash-rig.ts';

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
    const rig = await crashRig(cleanup, {
      slack: {
        botToken: slack.botToken,
        appToken: slack.appToken,
        apiUrl: slack.apiUrl,
        dmPolicy: 'open',
        pacing: { perChatMs: 0, perAccountMs: 0 },
      },
    });
    const first = await rig.start();
    const chats = Array.from({ length: CHATS }, (_, chat) => `C${1000 + chat}`);
    const texts = await rig.queueTexts(first, 'slack', chats, PER_CHAT);
    await waitFor(() => slack.sent.length >= CHATS, 30_000, 'delivery under way');
    await rig.kill(first);

    const second = await rig.start();
    await waitFor(
      () => new Set(slack.sent.map((s) => s.text)).size === texts.length,
      60_000,
      'every message',
    );
    await rig.outboxSettled(second);
    const found = linesWith(second, 'the chat has it, so it is not sent again');
    // The kill found parts on the wire (so this measured something); each was found, none reposted.
    expect(found).toBeGreaterThan(0);
    expect(slack.sent.map((s) => s.text).sort()).toEqual([...texts].sort());
    for (let chat = 0; chat < CHATS; chat++) {
      const got = slack.sent.filter((s) => s.channel === `C${1000 + chat}`).map((s) => s.text);
      expect(got, `C${1000 + chat}`).toEqual(texts.filter((t) => t.startsWith(`chat ${chat} `)));
    }
  }, 120_000);
});
