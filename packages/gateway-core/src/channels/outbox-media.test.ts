// What the adapter is handed for a media part: a stored item by its path and size, inline bytes
// decoded, the kind, file name and caption carried over; an item gone from the media store fails
// the send for good.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplePng } from '@openclaw/test-fakes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { FileMediaStore } from '../media/media-store.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/types.ts';
import { ManualClock } from '../util/clock.ts';
import { recordingAdapter, settled, testCaps, testOutbox } from './outbox-test-fixtures.ts';
import type { ChannelCapabilities } from './sdk/types.ts';

const caps: ChannelCapabilities = {
  ...testCaps,
  text: { max: 100, unit: 'utf16', markdown: 'none' },
  media: { inbound: true, outbound: true, captionMax: 50 },
};

describe('outbox: media parts as the adapter receives them', () => {
  let dir: string;
  let media: FileMediaStore;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'outbox-media-'));
    media = new FileMediaStore({
      dir,
      limits: () => ({ maxItemBytes: 1_000_000, maxTotalBytes: 10_000_000, retentionMs: 3600_000 }),
      clock: new ManualClock(Date.now()),
      log: createSilentLogger(),
    });
    await media.start();
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  function outbox(store: Store, withMedia = true) {
    const { adapter, sent } = recordingAdapter('p', undefined, caps);
    const ob = testOutbox(store, {
      capabilities: (ch) => (ch === 'x' ? caps : undefined),
      ...(withMedia ? { media } : {}),
    });
    ob.setAdapter('x', 'a', adapter);
    return { ob, sent };
  }

  it('hands a stored item over by path and size, and inline bytes decoded, with kind, file name and caption', async () => {
    const store = createMemoryStore();
    const png = samplePng();
    const item = await media.put(png);
    const { ob, sent } = outbox(store);
    const stored = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c1',
      text: 'look',
      media: [{ ref: item.id, mimeType: 'image/png', size: item.size, fileName: 'dot.png' }],
    });
    expect(await settled(store, stored.record.id)).toMatchObject({ status: 'delivered' });
    expect(sent[0]?.media).toEqual([
      {
        mimeType: 'image/png',
        path: media.path(item.id),
        size: png.length,
        fileName: 'dot.png',
        caption: 'look',
      },
    ]);
    expect(sent[0]?.text).toBeUndefined();

    const inline = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c2',
      text: '',
      media: [{ mimeType: 'audio/ogg', kind: 'voice', data: Buffer.from('ogg!').toString('base64') }],
    });
    expect(await settled(store, inline.record.id)).toMatchObject({ status: 'delivered' });
    const voice = sent[1]?.media?.[0];
    expect(voice).toEqual({ mimeType: 'audio/ogg', kind: 'voice', data: Buffer.from('ogg!') });
    await ob.close();
  });

  it('fails for good, naming the item, when the stored media is gone or there is no media store', async () => {
    const store = createMemoryStore();
    const gone = 'ab'.repeat(32);
    const { ob, sent } = outbox(store);
    const r = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c1',
      text: '',
      media: [{ ref: gone, mimeType: 'image/png', size: 10 }],
    });
    const failed = await settled(store, r.record.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.lastError).toBe(`media ${gone.slice(0, 12)}… is no longer in the media store`);
    await ob.close();

    const item = await media.put(samplePng());
    const without = outbox(store, false);
    const r2 = await without.ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c2',
      text: '',
      media: [{ ref: item.id, mimeType: 'image/png', size: item.size }],
    });
    expect(await settled(store, r2.record.id)).toMatchObject({ status: 'failed', attempts: 1 });
    expect([...sent, ...without.sent]).toEqual([]);
    await without.ob.close();
  });

  it('sends no blank text part: a blank caption too long for the platform is dropped, and the text captions the item', async () => {
    const store = createMemoryStore();
    const { ob, sent } = outbox(store);
    const r = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c1',
      text: 'look',
      // Over captionMax (50), so it is moved out of the caption; it holds nothing to send as text.
      media: [
        { mimeType: 'image/png', data: Buffer.from('png').toString('base64'), caption: ' '.repeat(60) },
      ],
    });
    expect(r.record.chunks).toEqual([]);
    expect(await settled(store, r.record.id)).toMatchObject({ status: 'delivered', partsSent: 1 });
    expect(sent).toHaveLength(1);
    expect(sent[0]?.text).toBeUndefined();
    expect(sent[0]?.media?.[0]?.caption).toBe('look');
    await ob.close();
  });
});
