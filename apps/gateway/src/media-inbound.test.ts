// Media through one gateway in-process: the real Telegram library against the fake Bot API, the
// real SQLite store and media folder, the fake OpenAI server for transcription and vision.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigManager, createSilentLogger, createSqliteStore } from '@openclaw/gateway-core';
import type { ChatMessage, GatewayClient } from '@openclaw/protocol';
import { telegramProvider } from '@openclaw/provider-telegram';
import { FakeOpenAi, FakeTelegram, samplePng, sampleVoiceNote, waitFor } from '@openclaw/test-fakes';
import { connectOperator } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from './build-gateway.ts';

const TOKEN = 'a-token-for-this-test-only';
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const ann = { id: 501, first_name: 'Ann' };

describe('media through the gateway (Telegram, in-process)', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  async function start(extra: (ai: FakeOpenAi) => Record<string, unknown> = () => ({})) {
    const dir = await mkdtemp(join(tmpdir(), 'oc-media-in-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const tg = await FakeTelegram.start({ holdMs: 50 });
    cleanup.push(() => tg.close());
    const ai = await FakeOpenAi.start({ transcribe: (t) => `hello from a ${t.data.length}-byte voice note` });
    cleanup.push(() => ai.close());
    const config = {
      channels: {
        telegram: tg.account(),
      },
      media: { maxItemBytes: 64 * 1024, transcription: { model: 'whisper-1', baseUrl: ai.baseUrl } },
      ...extra(ai),
    };
    const gw: Gateway = await buildGateway({
      config: ConfigManager.fromObject(join(dir, 'openclaw.json'), config),
      store: createSqliteStore({ path: join(dir, 'gateway.db') }),
      secrets: () => ({ token: TOKEN }),
      log: createSilentLogger(),
      stateDir: dir,
      providers: [telegramProvider],
      controlUi: false,
    });
    cleanup.push(() => gw.close({ drainMs: 0 }));
    await gw.core.start();
    const { url } = await gw.listen();
    const c: GatewayClient = await connectOperator(url, TOKEN);
    cleanup.push(() => c.close());
    await waitFor(
      async () => (await c.request('channels.status', {})).channelAccounts.telegram?.[0]?.connected,
      10_000,
    );
    return { tg, ai, gw, c, url, dir };
  }

  it('a photo, a voice note and an oversized file in: stored, in chat.history, transcribed, refused with a note; the photo comes back out byte-identical', async () => {
    const { tg, ai, gw, c, url } = await start();
    const photo = samplePng(11);
    const voice = sampleVoiceNote(11);
    await tg.pushMessage({ chatId: 501, from: ann, photo, caption: 'my cat' });
    await tg.pushMessage({ chatId: 501, from: ann, voice });
    await tg.pushMessage({
      chatId: 501,
      from: ann,
      document: {
        data: Buffer.alloc(100 * 1024, 1),
        fileName: 'big.bin',
        mimeType: 'application/octet-stream',
      },
    });
    await tg.pushMessage({ chatId: 501, from: ann, text: 'marker' });
    // The four are handled side by side (one poll batch): wait for all four turns to end.
    const history = await waitFor(
      async () => {
        const h = (await c.request('chat.history', { sessionKey: 'telegram:default:501' })).messages;
        return h.filter((m) => m.role === 'assistant' && m.status === 'complete').length >= 4 ? h : undefined;
      },
      15_000,
      'four answered turns',
    );
    const byKind = (k: string) => history.find((m) => m.role === 'user' && m.media?.[0]?.kind === k);
    const users = [byKind('image')!, byKind('voice')!, byKind('file')!];
    expect(users[0]!.text).toBe('my cat');
    expect(users[0]!.media).toEqual([
      {
        kind: 'image',
        id: sha(photo),
        url: `/__openclaw__/media/${sha(photo)}`,
        mimeType: 'image/png',
        size: photo.length,
      },
    ]);
    expect(users[1]!.media).toMatchObject([
      {
        kind: 'voice',
        id: sha(voice),
        mimeType: 'audio/ogg; codecs=opus',
        transcript: `hello from a ${voice.length}-byte voice note`,
      },
    ]);
    // Refused before downloading: the declared size is over the cap.
    expect(users[2]!.media).toEqual([
      {
        kind: 'file',
        fileName: 'big.bin',
        mimeType: 'application/octet-stream',
        size: 100 * 1024,
        note: 'file of 100 KB refused: over the 64 KB limit',
      },
    ]);
    // The same media as content parts in the reference layout: text, then one part per attachment.
    const photoUrl = `/__openclaw__/media/${sha(photo)}`;
    expect(users[0]!.content).toEqual([
      { type: 'text', text: 'my cat' },
      {
        type: 'image',
        url: photoUrl,
        openUrl: photoUrl,
        mimeType: 'image/png',
        sizeBytes: photo.length,
      },
    ]);
    expect(users[1]!.content).toEqual([
      {
        type: 'audio',
        url: `/__openclaw__/media/${sha(voice)}`,
        openUrl: `/__openclaw__/media/${sha(voice)}`,
        mimeType: 'audio/ogg; codecs=opus',
        sizeBytes: voice.length,
        isVoiceNote: true,
      },
    ]);
    expect(users[2]!.content).toEqual([
      {
        type: 'attachment_error',
        attachment: {
          code: 'MEDIA_NOT_STORED',
          kind: 'document',
          label: 'file of 100 KB refused: over the 64 KB limit',
          mimeType: 'application/octet-stream',
        },
      },
    ]);
    expect(tg.fileRequests).toHaveLength(2);
    expect(ai.transcriptions).toHaveLength(1);
    expect(ai.transcriptions[0]!.data.equals(voice)).toBe(true);
    // The agent got the transcript in words; the echo backend repeats it.
    const replies = history.filter((m) => m.role === 'assistant').map((m) => m.text);
    expect(replies.some((r) => r.includes(`transcript: hello from a ${voice.length}-byte voice note`))).toBe(
      true,
    );
    expect(replies.some((r) => r.includes('[file of 100 KB refused: over the 64 KB limit]'))).toBe(true);
    await waitFor(() => tg.sent.some((s) => s.method === 'sendPhoto'), 5000, 'the photo sent back');
    // The echo sent the photo back: byte-identical on Telegram, and in the reply's history.
    const photoOut = tg.sent.find((s) => s.method === 'sendPhoto');
    expect(photoOut?.file?.data.equals(photo)).toBe(true);
    expect(history.find((m) => m.role === 'assistant' && m.media)?.media?.[0]).toMatchObject({
      kind: 'image',
      id: sha(photo),
    });
    // Typing was shown while the turns ran.
    expect(
      tg.chatActions.filter((a) => a.chatId === '501' && a.action === 'typing').length,
    ).toBeGreaterThanOrEqual(1);
    // The stored bytes, over HTTP, to an authenticated client.
    const res = await fetch(`${url.replace('ws://', 'http://')}${users[0]!.media![0]!.url}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(Buffer.from(await res.arrayBuffer()).equals(photo)).toBe(true);
    expect(gw.core.media.usage().items).toBe(2);
  });

  it('a model with vision gets the photo as an image part; without, only the words', async () => {
    const { tg, ai, c } = await start((ai) => ({
      agent: { backend: 'openai-compatible', openai: { baseUrl: ai.baseUrl, model: 'm', vision: true } },
    }));
    const photo = samplePng(12);
    await tg.pushMessage({ chatId: 501, from: ann, photo, caption: 'what is this?' });
    const [first] = await ai.waitForRequests(1, 10_000);
    const content = first!.messages.at(-1)!.content;
    expect(Array.isArray(content)).toBe(true);
    const parts = content as Exclude<typeof content, string | null>;
    expect(parts[0]).toMatchObject({ type: 'text' });
    expect((parts[0] as { text: string }).text).toMatch(/^what is this\?\n\[photo: image\/png, /);
    expect(parts[1]).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${photo.toString('base64')}` },
    });
    await c.request('config.patch', { raw: JSON.stringify({ agent: { openai: { vision: false } } }) });
    await tg.pushMessage({ chatId: 501, from: ann, photo: samplePng(13), caption: 'and this?' });
    const reqs = await ai.waitForRequests(2, 10_000);
    expect(reqs[1]!.messages.at(-1)!.content).toMatch(/^and this\?\n\[photo: image\/png, \d+ B\]$/);
  });

  it('edits and reactions on the platform update the stored message; chat.send takes attachments', async () => {
    const { tg, c } = await start();
    const key = 'telegram:default:501';
    const followed: ChatMessage[] = [];
    c.on('session.message', (e) => {
      if (e.sessionKey === key) followed.push(e.message);
    });
    await c.request('sessions.messages.subscribe', { key });
    await tg.pushMessage({ chatId: 501, from: ann, text: 'helo', messageId: 77 });
    await waitFor(() => tg.sentTexts('501').includes('echo: helo'), 10_000);
    await tg.pushEdit({ chatId: 501, messageId: 77, from: ann, text: 'hello' });
    await tg.pushReaction({ chatId: 501, messageId: 77, from: ann, emoji: ['❤'] });
    const edited = await waitFor(async () => {
      const m = (await c.request('chat.history', { sessionKey: key })).messages.find(
        (x) => x.id === 'telegram:77',
      );
      return m?.reactions?.length ? m : undefined;
    }, 10_000);
    expect(edited).toMatchObject({ text: 'hello', reactions: [{ emoji: '❤', senderId: '501' }] });
    expect(edited.editedAtMs).toBeGreaterThan(0);
    // Followers of the session got the message again, edited, with the same id and seq.
    await waitFor(() => followed.some((m) => m.id === 'telegram:77' && m.reactions?.length), 5000);
    const again = followed.filter((m) => m.id === 'telegram:77');
    expect(again.map((m) => m.text)).toEqual(['helo', 'hello', 'hello']);
    expect(new Set(again.map((m) => m.__openclaw.seq)).size).toBe(1);

    const photo = samplePng(14);
    const sent = await c.request('chat.send', {
      sessionKey: 'webchat-media',
      message: 'look',
      attachments: [{ type: 'image', mimeType: 'image/png', content: photo.toString('base64') }],
      idempotencyKey: randomBytes(6).toString('hex'),
    });
    const done = await c.request('agent.wait', { runId: sent.runId, timeoutMs: 10_000 });
    expect(done.status).toBe('ok');
    const h = (await c.request('chat.history', { sessionKey: 'webchat-media' })).messages;
    expect(h[0]!.media).toMatchObject([{ kind: 'image', id: sha(photo), mimeType: 'image/png' }]);
    expect(h[1]!.media).toMatchObject([{ kind: 'image', id: sha(photo) }]);
  });

  it('message.action: react, unreact, edit and delete our own message on Telegram; send a stored photo by reference', async () => {
    const { tg, c } = await start();
    await tg.pushMessage({ chatId: 501, from: ann, text: 'ping' });
    await waitFor(() => tg.sentTexts('501').includes('echo: ping'), 10_000);
    const ours = tg.sent.find((s) => s.chatId === '501' && s.text === 'echo: ping')!;
    const act = (action: string, params: Record<string, unknown>) =>
      c.request('message.action', {
        channel: 'telegram',
        action,
        params: { target: 'telegram:501', messageId: String(ours.messageId), ...params },
        idempotencyKey: randomBytes(6).toString('hex'),
      });
    expect(await act('react', { emoji: '👍' })).toMatchObject({
      ok: true,
      action: 'react',
      to: '501',
      messageId: String(ours.messageId),
    });
    await act('unreact', {});
    expect(tg.reactions.filter((r) => r.messageId === ours.messageId).map((r) => r.emoji)).toEqual([
      ['👍'],
      [],
    ]);
    await act('edit', { message: 'echo: pong' });
    expect(ours.editedText).toBe('echo: pong');
    await act('delete', {});
    expect(ours.deleted).toBe(true);
    // Telegram says no (the message is gone): a typed refusal, not an internal error.
    await expect(act('edit', { message: 'again' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      details: { code: 'ACTION_REJECTED' },
    });
    await expect(act('pin', {})).rejects.toMatchObject({ details: { code: 'ACTION_UNSUPPORTED' } });
    await expect(act('edit', {})).rejects.toMatchObject({ details: { code: 'PARAMS_INVALID' } });

    // send with media by reference: a photo already in the store goes out byte-identical.
    const photo = samplePng(15);
    await tg.pushMessage({ chatId: 501, from: ann, photo });
    await waitFor(() => tg.sent.some((s) => s.method === 'sendPhoto'), 10_000, 'the echoed photo');
    const before = tg.sent.filter((s) => s.method === 'sendPhoto').length;
    const r = await c.request('message.action', {
      channel: 'telegram',
      action: 'send',
      params: { target: '501', message: 'again', media: `media:${sha(photo)}` },
      idempotencyKey: randomBytes(6).toString('hex'),
    });
    expect(r).toMatchObject({ ok: true, action: 'send', to: '501' });
    const out = await waitFor(
      () => tg.sent.filter((s) => s.method === 'sendPhoto')[before],
      10_000,
      'the photo sent through message.action',
    );
    expect(out.file?.data.equals(photo)).toBe(true);
    expect(out.caption).toBe('again');
  });
});
