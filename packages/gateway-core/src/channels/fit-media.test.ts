import { describe, expect, it } from 'vitest';
import { fitMedia } from './fit-media.ts';
import { OutboxError } from './outbox-error.ts';
import type { ChannelCapabilities } from './sdk/types.ts';

const caps = (media: Partial<ChannelCapabilities['media']>): ChannelCapabilities => ({
  chatKinds: ['direct'],
  text: { max: 4096, unit: 'utf16', markdown: 'none' },
  media: { inbound: true, outbound: true, ...media },
  typing: false,
  reactions: false,
  threads: false,
  mentionDetection: false,
});
const png = { ref: 'a'.repeat(64), mimeType: 'image/png', size: 2000 };

/** The refusal's code, or `accepted`. */
const code = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as OutboxError).code;
  }
  return 'accepted';
};

describe('fitMedia: a platform’s media limits, applied before a send is accepted', () => {
  it('a short text becomes the caption; a long one goes first as text', () => {
    expect(fitMedia('telegram', caps({ captionMax: 10 }), [png], 'short')).toEqual({
      media: [{ ...png, caption: 'short' }],
      text: '',
    });
    expect(fitMedia('telegram', caps({ captionMax: 3 }), [png], 'too long')).toEqual({
      media: [png],
      text: 'too long',
    });
    // No caption field (BlueBubbles): text stays text.
    expect(fitMedia('imessage', caps({}), [png], 'hi')).toEqual({ media: [png], text: 'hi' });
    // A caption over the limit is moved out as text.
    expect(
      fitMedia('telegram', caps({ captionMax: 3 }), [{ ...png, caption: 'a long caption' }], ''),
    ).toEqual({
      media: [png],
      text: 'a long caption',
    });
  });

  it('refuses a kind the platform cannot carry, and media over its limit, with typed errors', () => {
    const slack = caps({ kinds: ['image', 'video', 'audio', 'file'] });
    const voice = { ref: 'b'.repeat(64), mimeType: 'audio/ogg', size: 10, kind: 'voice' as const };
    expect(() => fitMedia('slack', slack, [voice], '')).toThrow(OutboxError);
    expect(code(() => fitMedia('slack', slack, [voice], ''))).toBe('MEDIA_KIND_UNSUPPORTED');
    expect(() => fitMedia('slack', slack, [voice], '')).toThrow(/slack cannot send a voice note/);
    try {
      fitMedia('telegram', caps({ maxBytes: 5000, maxBytesByKind: { image: 1000 } }), [png], '');
      expect.unreachable();
    } catch (e) {
      expect((e as OutboxError).code).toBe('MEDIA_TOO_LARGE');
      expect((e as Error).message).toBe('telegram takes a photo of at most 1000 B; this one is 2 KB');
    }
  });

  it('a kind only inferred from the type falls back to a file where the platform has files', () => {
    const mp4 = { ref: 'c'.repeat(64), mimeType: 'video/mp4', size: 10 };
    expect(fitMedia('x', caps({ kinds: ['image', 'file'] }), [mp4], '').media).toEqual([
      { ...mp4, kind: 'file' },
    ]);
    expect(() => fitMedia('x', caps({ kinds: ['image'] }), [mp4], '')).toThrow(/cannot send a video/);
  });

  // Telegram's Bot API as it documents itself: captions of 1024 characters (UTF-16 units), photos up
  // to 10 MB, other uploads up to 50 MB. Spelled out here rather than read from the provider, so a
  // wrong limit in the core's arithmetic cannot hide behind the same wrong number.
  const MB = 1024 * 1024;
  const telegram = caps({ captionMax: 1024, maxBytes: 50 * MB, maxBytesByKind: { image: 10 * MB } });
  const photo = (size: number) => ({ ref: 'd'.repeat(64), mimeType: 'image/jpeg', size });
  const doc = (size: number) => ({ ref: 'e'.repeat(64), mimeType: 'application/pdf', size });

  it("takes media up to the platform's limit for its kind, to the byte, and refuses one byte more", () => {
    expect(code(() => fitMedia('telegram', telegram, [photo(10 * MB)], ''))).toBe('accepted');
    expect(code(() => fitMedia('telegram', telegram, [photo(10 * MB + 1)], ''))).toBe('MEDIA_TOO_LARGE');
    // The photo limit is for photos: a document may be five times larger, up to the upload limit.
    expect(code(() => fitMedia('telegram', telegram, [doc(50 * MB)], ''))).toBe('accepted');
    expect(code(() => fitMedia('telegram', telegram, [doc(50 * MB + 1)], ''))).toBe('MEDIA_TOO_LARGE');
    // A per-kind limit above the upload limit does not lift it.
    const generous = caps({ maxBytes: 100, maxBytesByKind: { image: 1000 } });
    expect(code(() => fitMedia('x', generous, [photo(101)], ''))).toBe('MEDIA_TOO_LARGE');
    // No limit declared: any size goes.
    expect(code(() => fitMedia('x', caps({}), [doc(10_000 * MB)], ''))).toBe('accepted');
  });

  it('sizes inline media by its decoded bytes when no size is given', () => {
    // 8 base64 characters are 6 bytes.
    const inline = { mimeType: 'application/pdf', data: 'JVBERi0x' };
    expect(code(() => fitMedia('x', caps({ maxBytes: 6 }), [inline], ''))).toBe('accepted');
    expect(code(() => fitMedia('x', caps({ maxBytes: 5 }), [inline], ''))).toBe('MEDIA_TOO_LARGE');
    // A stored item of unknown size (history media recorded without one) is not refused here: the
    // platform is the judge when it is streamed.
    const unsized = { ref: 'a'.repeat(64), mimeType: 'application/pdf' };
    expect(code(() => fitMedia('x', caps({ maxBytes: 5 }), [unsized], ''))).toBe('accepted');
    // A declared size wins over the inline length.
    expect(code(() => fitMedia('x', caps({ maxBytes: 5 }), [{ ...inline, size: 5 }], ''))).toBe('accepted');
  });

  it("a caption of exactly the platform's limit stays one; one character more goes before the media as text", () => {
    const at = 'a'.repeat(1024);
    const over = 'a'.repeat(1025);
    expect(fitMedia('telegram', telegram, [photo(10)], at)).toEqual({
      media: [{ ...photo(10), caption: at }],
      text: '',
    });
    expect(fitMedia('telegram', telegram, [photo(10)], over)).toEqual({ media: [photo(10)], text: over });
    expect(fitMedia('telegram', telegram, [{ ...photo(10), caption: at }], '')).toEqual({
      media: [{ ...photo(10), caption: at }],
      text: '',
    });
    expect(fitMedia('telegram', telegram, [{ ...photo(10), caption: over }], '')).toEqual({
      media: [photo(10)],
      text: over,
    });
  });

  it("measures a caption in the platform's unit", () => {
    // Three characters, six UTF-8 bytes: a caption where the limit counts characters, not where it counts bytes.
    const bytes = {
      ...caps({ captionMax: 4 }),
      text: { max: 100, unit: 'utf8-bytes' as const, markdown: 'none' as const },
    };
    const units = {
      ...caps({ captionMax: 4 }),
      text: { max: 100, unit: 'utf16' as const, markdown: 'none' as const },
    };
    expect(fitMedia('x', units, [photo(10)], 'ééé').media[0]?.caption).toBe('ééé');
    expect(fitMedia('x', bytes, [photo(10)], 'ééé')).toEqual({ media: [photo(10)], text: 'ééé' });
    expect(fitMedia('x', bytes, [{ ...photo(10), caption: 'ééé' }], '')).toEqual({
      media: [photo(10)],
      text: 'ééé',
    });
  });

  it('the text captions only the first item, never replaces its own caption or captions a sticker, and keeps the order of what goes as text', () => {
    const second = { ...doc(10), caption: 'x'.repeat(1025) };
    // The text captions the first item; the second's long caption goes as text.
    expect(fitMedia('telegram', telegram, [photo(10), second], 'hi')).toEqual({
      media: [{ ...photo(10), caption: 'hi' }, doc(10)],
      text: second.caption,
    });
    // The first item has a caption of its own: the text stays text, before any caption moved out.
    expect(fitMedia('telegram', telegram, [{ ...photo(10), caption: 'own' }, second], 'hi')).toEqual({
      media: [{ ...photo(10), caption: 'own' }, doc(10)],
      text: `hi\n\n${second.caption}`,
    });
    // Two captions moved out, no text: both, in order.
    const first = { ...photo(10), caption: 'y'.repeat(1025) };
    expect(fitMedia('telegram', telegram, [first, second], '').text).toBe(
      `${first.caption}\n\n${second.caption}`,
    );
    // The text captions the first item once both items' own captions have moved out, in order.
    expect(fitMedia('telegram', telegram, [first, second], 'hi')).toEqual({
      media: [{ ...photo(10), caption: 'hi' }, doc(10)],
      text: `${first.caption}\n\n${second.caption}`,
    });
    // A sticker carries no caption.
    const sticker = { ref: 'f'.repeat(64), mimeType: 'image/webp', kind: 'sticker' as const, size: 10 };
    expect(fitMedia('telegram', telegram, [sticker], 'hi')).toEqual({ media: [sticker], text: 'hi' });
    // Blank text is no caption.
    expect(fitMedia('telegram', telegram, [photo(10)], '  ')).toEqual({ media: [photo(10)], text: '' });
  });

  it('any kind goes where the platform lists none; a kind asked for that it has is kept as asked', () => {
    const voice = { ref: 'b'.repeat(64), mimeType: 'audio/ogg', size: 10, kind: 'voice' as const };
    expect(fitMedia('x', caps({}), [voice], '').media).toEqual([voice]);
    const asFile = { ...photo(10), kind: 'file' as const };
    expect(fitMedia('x', caps({ kinds: ['image', 'file'] }), [asFile], '').media).toEqual([asFile]);
    // An inferred kind that falls back to a file is held to the file limit, not the one for its type.
    const mp4 = { ref: 'c'.repeat(64), mimeType: 'video/mp4', size: 50 };
    const small = caps({ kinds: ['image', 'file'], maxBytesByKind: { video: 10, file: 100 } });
    expect(fitMedia('x', small, [mp4], '').media).toEqual([{ ...mp4, kind: 'file' }]);
    const tight = caps({ kinds: ['image', 'file'], maxBytesByKind: { video: 100, file: 10 } });
    expect(code(() => fitMedia('x', tight, [mp4], ''))).toBe('MEDIA_TOO_LARGE');
  });
});
