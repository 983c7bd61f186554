// docs/CHANNELS.md, "Crashes": photos queued on WhatsApp, the gateway killed with -9 while some
// are with WhatsApp but not yet acknowledged (the fake holds every ack after the first two, so at
// the kill each chat has exactly one photo in doubt: the moment is chosen, not raced for). After the restart
// every photo arrives (none lost: the media store and the outbox are on disk) and none twice: each
// message's id comes from the outbox record, so the resend of a part in doubt is the same message.
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { FakeWhatsApp, samplePng, type WaLib, waitFor } from '@openclaw/test-fakes';
import { connectOperator } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { crashRig, linesWith } from './crash-rig.ts';

// The fake plays the phone with libsignal in this process. After a kill -9 a resend can repeat
// keys the phone already used, or arrive on a fresh session; libsignal logs each session it tries
// or closes. Those lines, and only they, are libsignal's own logging, not this test's output.
const LIBSIGNAL_NOISE = [
  'Session error:',
  'Failed to decrypt message with any known session',
  'Closing open session in favor of incoming prekey bundle',
  'Closing session:',
  'Opening session:',
  'Removing old closed session:',
];
for (const m of ['error', 'warn', 'info', 'log'] as const) {
  // biome-ignore lint/suspicious/noConsole: only libsignal's own lines are dropped; the rest still reaches the guard.
  const record = console[m];
  console[m] = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && LIBSIGNAL_NOISE.some((n) => (args[0] as string).startsWith(n))) return;
    record(...args);
  };
}
const baileys = createRequire(import.meta.url)('@whiskeysockets/baileys') as WaLib;
const CHATS = 4;
const PER_CHAT = 4;
/** Photos WhatsApp acknowledges before the kill; every later ack is held back. */
const ACKED = 2;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('a kill -9 with WhatsApp photos in flight', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  it('loses none and duplicates none: the resent part in doubt is the same message', async ({ annotate }) => {
    const wa = await FakeWhatsApp.start({ lib: baileys, media: true });
    cleanup.push(() => wa.close());
    const rig = await crashRig(cleanup, {
      whatsapp: { waWebSocketUrl: wa.wsUrl, dmPolicy: 'open', pacing: { perChatMs: 0, perAccountMs: 0 } },
    });
    const ca = join(rig.stateDir, 'wa-media-ca.pem');
    await writeFile(ca, wa.mediaCa);
    rig.env.NODE_EXTRA_CA_CERTS = ca;
    const first = await rig.start();
    const c = await connectOperator(first.url, rig.token);
    const qr = await c.request('web.login.start', { timeoutMs: 10_000 });
    await wa.scanQr(qr.qr!);
    await waitFor(
      async () => (await c.request('channels.status', {})).channelAccounts.whatsapp?.[0]?.connected,
      20_000,
      'WhatsApp linked',
    );
    await waitFor(() => wa.isOnline(), 10_000, 'WhatsApp online');
    const acks = wa.holdAcks(ACKED);
    const photos = new Map<string, string>();
    for (let chat = 0; chat < CHATS; chat++) {
      for (let i = 0; i < PER_CHAT; i++) {
        const png = samplePng(100 + chat * PER_CHAT + i);
        const to = `1555000${7000 + chat}`;
        photos.set(sha(png), to);
        await c.request('send', {
          channel: 'whatsapp',
          to,
          mediaUrl: `data:image/png;base64,${png.toString('base64')}`,
          message: `photo ${i}`,
          idempotencyKey: `photo-${chat}-${i}`,
        });
      }
    }
    await c.close().catch(() => {});
    // The chats are sent side by side, each waiting for its photo's ack before the next. With
    // every ack after the first ACKED held, every chat stops with one photo WhatsApp has recorded
    // and the gateway has not seen confirmed, and nothing else moves: the kill lands there.
    await acks.held;
    await waitFor(() => wa.sent.length >= ACKED + CHATS, 30_000, 'a photo in doubt in every chat');
    await rig.kill(first);
    // The new process's acks go out at once (the held ones were for the dead connection).
    acks.drop();
    const beforeCrash = wa.sent.length;

    const second = await rig.start();
    const received = () => wa.sent.flatMap((s) => (s.media ? [sha(s.media.data)] : []));
    await waitFor(
      () => new Set(received()).size === photos.size,
      60_000,
      `every photo (fake: ${JSON.stringify({ retry: wa.retryRequests, dup: wa.duplicates })})`,
    ).catch((e: unknown) => {
      throw new Error(
        `${(e as Error).message}\n${wa.errors.join('\n')}\n${second
          .output()
          .split('\n')
          .filter((l) => /"level":[45]0/.test(l))
          .slice(-15)
          .join('\n')}`,
      );
    });
    await rig.outboxSettled(second);
    const inDoubt = linesWith(second, 'interrupted by a restart');
    // Every photo once, each to its own chat, with its caption; nothing else.
    expect(received().sort()).toEqual([...photos.keys()].sort());
    for (const s of wa.sent) expect(s.to).toBe(`${photos.get(sha(s.media!.data))}@s.whatsapp.net`);
    expect(wa.sent.every((s) => s.media?.caption?.startsWith('photo '))).toBe(true);
    // The kill left one part in doubt per chat, each was resent, and WhatsApp saw each resend as
    // the message it had.
    expect(beforeCrash).toBe(ACKED + CHATS);
    expect(inDoubt).toBe(CHATS);
    expect(wa.duplicates).toBe(inDoubt);
    // Copies the phone could not decrypt (keys repeated after the kill) were recovered by retry
    // receipts or recognised as messages it had; none was given up on.
    expect(wa.errors.filter((e) => e.includes('nothing decryptable'))).toEqual([]);
    await annotate(
      `${beforeCrash} photos delivered before the kill; ${inDoubt} parts in doubt resent; ${wa.duplicates} resends recognised as the same message; ${wa.retryRequests} retry receipts; 0 duplicates delivered`,
    );
  }, 120_000);
});
