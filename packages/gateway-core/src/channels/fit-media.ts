import { formatBytes, mediaNoun } from '../media/media-errors.ts';
import type { OutboxMedia } from '../store/types.ts';
import { OutboxError } from './outbox-error.ts';
import { measure } from './sdk/chunker.ts';
import { mediaKindOf } from './sdk/media-source.ts';
import type { ChannelCapabilities } from './sdk/types.ts';

/**
 * Apply a platform's media limits before a send is accepted, so a caller learns at once what can
 * never go out: a kind the platform cannot carry (a voice note on Slack) or a file over its upload
 * limit is refused with a typed error. A kind only inferred from the type (video, audio) that the
 * platform lacks goes as a file. A text short enough becomes the first attachment's caption; a
 * caption over the platform's limit is sent as text before the media instead.
 */
export function fitMedia(
  channel: string,
  caps: ChannelCapabilities,
  media: OutboxMedia[],
  text: string,
): { media: OutboxMedia[]; text: string } {
  if (media.length === 0) return { media, text };
  const kinds = caps.media.kinds;
  const out: OutboxMedia[] = [];
  const leading: string[] = [];
  for (const m of media) {
    let kind = mediaKindOf(m);
    if (kinds && !kinds.includes(kind)) {
      if (m.kind || !kinds.includes('file'))
        throw new OutboxError('MEDIA_KIND_UNSUPPORTED', `${channel} cannot send a ${mediaNoun(kind)}`);
      kind = 'file';
    }
    const limit = Math.min(
      caps.media.maxBytesByKind?.[kind] ?? Number.POSITIVE_INFINITY,
      caps.media.maxBytes ?? Number.POSITIVE_INFINITY,
    );
    const size = m.size ?? (m.data !== undefined ? Math.floor((m.data.length * 3) / 4) : undefined);
    if (size !== undefined && size > limit) {
      throw new OutboxError(
        'MEDIA_TOO_LARGE',
        `${channel} takes a ${mediaNoun(kind)} of at most ${formatBytes(limit)}; this one is ${formatBytes(size)}`,
      );
    }
    const fitted: OutboxMedia = { ...m, ...(kind !== mediaKindOf(m) ? { kind } : {}) };
    const captionMax = caps.media.captionMax;
    if (fitted.caption && captionMax !== undefined && measure(fitted.caption, caps.text.unit) > captionMax) {
      leading.push(fitted.caption);
      delete fitted.caption;
    }
    out.push(fitted);
  }
  const first = out[0]!;
  const captionMax = caps.media.captionMax;
  if (
    text.trim() &&
    !first.caption &&
    captionMax !== undefined &&
    first.kind !== 'sticker' &&
    measure(text, caps.text.unit) <= captionMax
  ) {
    first.caption = text;
    return { media: out, text: leading.join('\n\n') };
  }
  return { media: out, text: [text, ...leading].filter((t) => t.trim()).join('\n\n') };
}
