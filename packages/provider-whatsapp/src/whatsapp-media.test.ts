import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePng, sampleVoiceNote } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { config, context, FakeWhatsApp, prelink, tempDir, waitFor, waLib } from '../test/support.ts';
import { messageIdFor, WhatsAppAdapter } from './whatsapp-adapter.ts';

// Real Baileys 6.17.16 against FakeWhatsApp with its HTTPS media host: media keys, AES-CBC and the
// truncated HMAC are Baileys' own on the gateway's side, and the fake's own on the phone's side.

describe('WhatsApp media (real Baileys, encrypted upload and download)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const fake = await FakeWhatsApp.start({ lib: waLib, media: true });
    cleanup.push(() => fake.close());
    const tmp = await tempDir();
    cleanup.push(() => tmp.cleanup());
    const authDir = join(tmp.dir, 'auth');
    // Trust the fake media host's certificate, as NODE_EXTRA_CA_CERTS does for a whole process.
    const mediaAgent = new Agent({ ca: fake.mediaCa });
    cleanup.push(async () => mediaAgent.destroy());
    await prelink(fake, authDir, { mediaAgent });
    const adapter = new WhatsAppAdapter(config(fake, authDir), 'default', { mediaAgent });
    cleanup.push(() => adapter.stop());
    const c = context(tmp.dir);
    await adapter.start(c.ctx);
    return { fake, adapter, ...c };
  }

  it('a photo with a caption and a voice note in: kinds, sizes and the decrypted bytes', async () => {
    const { fake, inbound } = await setup();
    await fake.pushMedia('15550001111', {
      type: 'image',
      data: samplePng(31),
      mimeType: 'image/png',
      caption: 'look',
    });
    await fake.pushMedia('15550001111', {
      type: 'audio',
      data: sampleVoiceNote(31),
      mimeType: 'audio/ogg; codecs=opus',
      ptt: true,
    });
    await fake.pushMedia('15550001111', {
      type: 'document',
      data: Buffer.from('%PDF-1.4 hello'),
      mimeType: 'application/pdf',
      fileName: 'hello.pdf',
    });
    await waitFor(() => inbound.length >= 3, 10_000, 'three media messages');
    expect(inbound.map((e) => [e.text, e.media.map((m) => m.kind)])).toEqual([
      ['look', ['image']],
      ['', ['voice']],
      ['', ['file']],
    ]);
    expect(inbound[0]!.media[0]).toMatchObject({ mimeType: 'image/png', size: samplePng(31).length });
    expect(inbound[2]!.media[0]).toMatchObject({ fileName: 'hello.pdf' });
    expect(Buffer.from(await inbound[0]!.media[0]!.fetch()).equals(samplePng(31))).toBe(true);
    expect(Buffer.from(await inbound[1]!.media[0]!.fetch()).equals(sampleVoiceNote(31))).toBe(true);
  });

  it('a photo and a voice note out: uploaded encrypted, the fake decrypts the same bytes; a resend is the same message', async () => {
    const { fake, adapter } = await setup();
    const dir = await mkdtemp(join(tmpdir(), 'wa-out-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'p'), samplePng(32));
    const photo = {
      path: join(dir, 'p'),
      size: samplePng(32).length,
      mimeType: 'image/png',
      caption: 'for you',
    };
    const r = await adapter.send({ to: { chatId: '15550001111' }, nonce: 'out_1:0', media: [photo] });
    await adapter.send({
      to: { chatId: '15550001111' },
      nonce: 'out_2:0',
      media: [{ data: sampleVoiceNote(32), mimeType: 'audio/ogg; codecs=opus', kind: 'voice' }],
    });
    await waitFor(() => fake.sent.length >= 2, 10_000, 'two media messages');
    expect(fake.sent[0]!.media).toMatchObject({
      type: 'image',
      mimeType: 'image/png',
      caption: 'for you',
      ptt: false,
    });
    expect(fake.sent[0]!.media!.data.equals(samplePng(32))).toBe(true);
    expect(fake.sent[1]!.media).toMatchObject({ type: 'audio', ptt: true });
    expect(fake.sent[1]!.media!.data.equals(sampleVoiceNote(32))).toBe(true);
    expect(fake.mediaUploads).toHaveLength(2);
    // The id comes from the outbox key: the same part sent again (after a crash) is the same message.
    const jid = '15550001111@s.whatsapp.net';
    expect(r.ids).toEqual([messageIdFor('default', jid, 'out_1:0')]);
    await adapter.send({ to: { chatId: '15550001111' }, nonce: 'out_1:0', media: [photo] });
    await waitFor(() => fake.duplicates === 1, 10_000, 'the resend seen as a duplicate');
    await adapter.send({ to: { chatId: '15550001111' }, nonce: 'marker', text: 'marker' });
    await waitFor(() => fake.sent.some((s) => s.text === 'marker'), 10_000);
    expect(fake.sent.map((s) => s.id)).toEqual([
      r.ids[0],
      expect.any(String),
      messageIdFor('default', jid, 'marker'),
    ]);
  });
});
