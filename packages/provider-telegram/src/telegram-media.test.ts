import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { recordingContext } from '@openclaw/gateway-core/testing';
import { FakeTelegram, samplePng, sampleVoiceNote, waitFor } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { telegramProvider } from './index.ts';
import { TelegramAdapter } from './telegram-adapter.ts';

describe('Telegram media, albums and chat actions against the fake Bot API', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function setup() {
    const tg = await FakeTelegram.start({ holdMs: 80 });
    cleanup.push(() => tg.close());
    const adapter = new TelegramAdapter(
      telegramProvider.parseAccountConfig({ botToken: tg.token, apiRoot: tg.apiRoot }, 'default'),
      'default',
    );
    cleanup.push(() => adapter.stop());
    const { ctx, emitted: inbound, updates } = recordingContext('telegram');
    await adapter.start(ctx);
    return { tg, adapter, inbound, updates };
  }

  it('a voice note, a video and a sticker in, each with its kind, declared size and bytes through getFile', async () => {
    const { tg, inbound } = await setup();
    const from = { id: 5, first_name: 'Ann' };
    await tg.pushMessage({ chatId: 5, from, voice: sampleVoiceNote(3) });
    await tg.pushMessage({ chatId: 5, from, video: Buffer.from('fake-mp4'), caption: 'clip' });
    await tg.pushMessage({ chatId: 5, from, sticker: Buffer.from('RIFF....WEBP') });
    await waitFor(() => inbound.length >= 3);
    expect(inbound.map((e) => e.media.map((m) => m.kind))).toEqual([['voice'], ['video'], ['sticker']]);
    expect(inbound[0]!.media[0]).toMatchObject({ mimeType: 'audio/ogg', size: sampleVoiceNote(3).length });
    expect(Buffer.from(await inbound[0]!.media[0]!.fetch())).toEqual(sampleVoiceNote(3));
    expect(inbound[1]!.text).toBe('clip');
    // Nothing was downloaded until asked for: media is fetched lazily.
    expect(tg.fileRequests).toHaveLength(1);
  });

  it('an album (parts sharing a media_group_id) arrives as one message with every item', async () => {
    const { tg, inbound } = await setup();
    const from = { id: 5, first_name: 'Ann' };
    await tg.pushMessage({
      chatId: 5,
      from,
      photo: samplePng(1),
      mediaGroupId: 'g1',
      caption: 'trip',
      messageId: 300,
    });
    await tg.pushMessage({ chatId: 5, from, photo: samplePng(2), mediaGroupId: 'g1', messageId: 301 });
    await tg.pushMessage({ chatId: 5, from, photo: samplePng(3), mediaGroupId: 'g1', messageId: 302 });
    // A marker after the album: once it is in, nothing else may follow.
    await waitFor(() => inbound.length >= 1);
    await tg.pushMessage({ chatId: 5, from, text: 'marker' });
    await waitFor(() => inbound.some((e) => e.text === 'marker'));
    expect(inbound).toHaveLength(2);
    const album = inbound[0]!;
    expect(album).toMatchObject({ id: '300', text: 'trip' });
    expect(album.media.map((m) => m.albumId)).toEqual(['g1', 'g1', 'g1']);
    const bytes = await Promise.all(album.media.map((m) => m.fetch()));
    expect(bytes.map((b) => Buffer.from(b))).toEqual([samplePng(1), samplePng(2), samplePng(3)]);
  });

  it('edits and reactions in become updates; a reaction taken back is removed', async () => {
    const { tg, updates } = await setup();
    const from = { id: 5, first_name: 'Ann' };
    await tg.pushEdit({ chatId: 5, messageId: 40, from, text: 'fixed typo' });
    await tg.pushReaction({ chatId: 5, messageId: 41, from, emoji: ['👍'] });
    await tg.pushReaction({ chatId: 5, messageId: 41, from, emoji: ['🔥'], oldEmoji: ['👍'] });
    await waitFor(() => updates.length >= 4);
    expect(
      updates.map((u) => [
        u.type,
        u.messageId,
        'emoji' in u ? u.emoji : 'text' in u ? u.text : '',
        'removed' in u ? u.removed : undefined,
      ]),
    ).toEqual([
      ['edit', '40', 'fixed typo', undefined],
      ['reaction', '41', '👍', false],
      ['reaction', '41', '🔥', false],
      ['reaction', '41', '👍', true],
    ]);
  });

  it('sends each kind with its own method, streamed from a file, and the fake gets the same bytes', async () => {
    const { tg, adapter } = await setup();
    const dir = await mkdtemp(join(tmpdir(), 'tg-media-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const photo = join(dir, 'photo');
    const voice = join(dir, 'voice');
    await writeFile(photo, samplePng(7));
    await writeFile(voice, sampleVoiceNote(7));
    const r = await adapter.send({
      to: { chatId: '5' },
      nonce: 'n1',
      media: [
        { path: photo, size: samplePng(7).length, mimeType: 'image/png', caption: 'for you' },
        { path: voice, mimeType: 'audio/ogg; codecs=opus', kind: 'voice' },
        { data: Buffer.from('%PDF-1.4 x'), mimeType: 'application/pdf', fileName: 'a.pdf' },
      ],
    });
    expect(r.ids).toHaveLength(3);
    expect(tg.sent.map((s) => s.method)).toEqual(['sendPhoto', 'sendVoice', 'sendDocument']);
    expect(tg.sent[0]!.file!.data.equals(samplePng(7))).toBe(true);
    expect(tg.sent[0]!.caption).toBe('for you');
    expect(tg.sent[0]!.file!.name).toBe('image.png');
    expect(tg.sent[1]!.file!.data.equals(sampleVoiceNote(7))).toBe(true);
    expect(tg.sent[2]!.file!.name).toBe('a.pdf');
  });

  it('edits and deletes its own messages; a missing one is a rejected send, not a retry', async () => {
    const { tg, adapter } = await setup();
    const r = await adapter.send({ to: { chatId: '5' }, nonce: 'n', text: 'draft' });
    await adapter.edit('5', r.ids[0]!, 'final');
    expect(tg.sent[0]!.editedText).toBe('final');
    await adapter.delete('5', r.ids[0]!);
    expect(tg.sent[0]!.deleted).toBe(true);
    await expect(adapter.delete('5', r.ids[0]!)).rejects.toMatchObject({ code: 'CHANNEL_SEND_REJECTED' });
  });
});
