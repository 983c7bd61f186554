// One part of an outbox record as the adapter receives it. The shapes are compared strictly: the
// adapter's message type has optional fields that are absent, never present and undefined
// (exactOptionalPropertyTypes), and adapters may tell the two apart ('threadId' in to).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePng } from '@openclaw/test-fakes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { FileMediaStore } from '../media/media-store.ts';
import type { OutboxRecord } from '../store/types.ts';
import { queuedOutboxRecord } from '../testing/outbox-record.ts';
import { ManualClock } from '../util/clock.ts';
import { outboundPart } from './outbox-message.ts';
import { PermanentSendError } from './sdk/errors.ts';
import type { ChannelCapabilities } from './sdk/types.ts';

const caps = (replyStartsThread: boolean): ChannelCapabilities => ({
  chatKinds: ['direct'],
  text: { max: 10, unit: 'utf16', markdown: 'none' },
  media: { inbound: true, outbound: true },
  typing: false,
  reactions: false,
  threads: true,
  mentionDetection: false,
  replyStartsThread,
});

const record = (extra: Partial<OutboxRecord> = {}): OutboxRecord => ({
  ...queuedOutboxRecord({
    channel: 'x',
    accountId: 'a',
    chatId: 'c',
    chunks: [],
    createdAtMs: 0,
    updatedAtMs: 0,
  }),
  seq: 1,
  ...extra,
});

describe('outboundPart: a part of a record as the adapter gets it', () => {
  let dir: string;
  let store: FileMediaStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-message-'));
    store = new FileMediaStore({
      dir,
      limits: () => ({ maxItemBytes: 1_000_000, maxTotalBytes: 10_000_000, retentionMs: 3600_000 }),
      clock: new ManualClock(Date.now()),
      log: createSilentLogger(),
    });
    await store.start();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a plain text part: the chat, the chunk and a nonce per record and part, nothing else', async () => {
    const r = record({ chunks: ['one', 'two'] });
    expect(await outboundPart(r, 0, caps(false), store)).toStrictEqual({
      to: { chatId: 'c' },
      nonce: 'out_1:0',
      text: 'one',
    });
    expect(await outboundPart(r, 1, undefined, undefined)).toStrictEqual({
      to: { chatId: 'c' },
      nonce: 'out_1:1',
      text: 'two',
    });
  });

  it('a reply quotes from its first part only; in a thread it stays a quote; where a reply starts a thread, every part goes there', async () => {
    const r = record({ chunks: ['one', 'two'], replyToId: 'orig' });
    expect(await outboundPart(r, 0, caps(false), store)).toStrictEqual({
      to: { chatId: 'c' },
      nonce: 'out_1:0',
      text: 'one',
      replyToId: 'orig',
    });
    expect((await outboundPart(r, 1, caps(false), store)).replyToId).toBeUndefined();
    for (const part of [0, 1]) {
      expect(await outboundPart(r, part, caps(true), store)).toStrictEqual({
        to: { chatId: 'c', threadId: 'orig' },
        nonce: `out_1:${part}`,
        text: part === 0 ? 'one' : 'two',
      });
    }
    // Already in a thread: the thread is kept and the first part quotes, even where a reply starts one.
    const inThread = record({ chunks: ['one', 'two'], replyToId: 'orig', threadId: 't' });
    expect(await outboundPart(inThread, 0, caps(true), store)).toStrictEqual({
      to: { chatId: 'c', threadId: 't' },
      nonce: 'out_1:0',
      text: 'one',
      replyToId: 'orig',
    });
    expect(await outboundPart(inThread, 1, caps(true), store)).toStrictEqual({
      to: { chatId: 'c', threadId: 't' },
      nonce: 'out_1:1',
      text: 'two',
    });
    // No capabilities known: a reply is a quote.
    expect((await outboundPart(r, 0, undefined, store)).replyToId).toBe('orig');
  });

  it('media come after the text, each its own part, in order; only the fields the item has', async () => {
    const png = samplePng();
    const item = await store.put(png);
    const r = record({
      chunks: ['hello'],
      media: [
        { mimeType: 'image/png', ref: item.id, size: item.size, fileName: 'dot.png', caption: 'a dot' },
        { mimeType: 'audio/ogg', kind: 'voice', data: Buffer.from('ogg!').toString('base64') },
        { mimeType: 'application/pdf', data: Buffer.from('%PDF').toString('base64') },
      ],
    });
    expect(await outboundPart(r, 1, caps(false), store)).toStrictEqual({
      to: { chatId: 'c' },
      nonce: 'out_1:1',
      media: [
        {
          mimeType: 'image/png',
          path: store.path(item.id),
          size: png.length,
          fileName: 'dot.png',
          caption: 'a dot',
        },
      ],
    });
    expect(await outboundPart(r, 2, caps(false), store)).toStrictEqual({
      to: { chatId: 'c' },
      nonce: 'out_1:2',
      media: [{ mimeType: 'audio/ogg', kind: 'voice', data: Buffer.from('ogg!') }],
    });
    expect(await outboundPart(r, 3, caps(false), store)).toStrictEqual({
      to: { chatId: 'c' },
      nonce: 'out_1:3',
      media: [{ mimeType: 'application/pdf', data: Buffer.from('%PDF') }],
    });
  });

  it('a stored item that is gone, or no media store to stream it from, is a permanent failure', async () => {
    const item = await store.put(samplePng());
    const gone = 'ab'.repeat(32);
    const r = record({ media: [{ mimeType: 'image/png', ref: gone, size: 10 }] });
    const err = await outboundPart(r, 0, caps(false), store).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PermanentSendError);
    expect((err as Error).message).toBe(`media ${gone.slice(0, 12)}… is no longer in the media store`);
    const present = record({ media: [{ mimeType: 'image/png', ref: item.id, size: item.size }] });
    await expect(outboundPart(present, 0, caps(false), undefined)).rejects.toBeInstanceOf(PermanentSendError);
    // The same item with the store at hand goes out.
    expect((await outboundPart(present, 0, caps(false), store)).media?.[0]?.path).toBe(store.path(item.id));
  });
});
