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
});
