import { CoreError } from '../errors/core-error.ts';

/** Why the media store refused or could not find an item. Stable codes, for clients and logs. */
export type MediaErrorCode = 'MEDIA_TOO_LARGE' | 'MEDIA_STORE_FULL' | 'MEDIA_NOT_FOUND' | 'MEDIA_ID_INVALID';

/** A media store refusal; a request that meets one is answered by its code (errors/to-gateway-error.ts). */
export class MediaError extends CoreError<MediaErrorCode> {
  override name = 'MediaError';
}

/** An item over the per-item cap (declared up front, or found while reading it). */
export class MediaTooLargeError extends MediaError {
  override name = 'MediaTooLargeError';
  readonly limit: number;
  /** The size when known (declared, or how far the read got before it stopped). */
  readonly size: number | undefined;
  constructor(limit: number, size?: number) {
    super(
      'MEDIA_TOO_LARGE',
      `media of ${size === undefined ? 'unknown size' : formatBytes(size)} is over the ${formatBytes(limit)} limit`,
    );
    this.limit = limit;
    this.size = size;
  }
}

/** `1536` → `1.5 KB`: sizes in notes people read. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10} ${units[i]}`;
}

const NOUN = {
  image: 'photo',
  video: 'video',
  audio: 'audio file',
  voice: 'voice note',
  file: 'file',
  sticker: 'sticker',
} as const;

/** The word people use for a kind of media: `voice` → `voice note`. */
export function mediaNoun(kind: keyof typeof NOUN): string {
  return NOUN[kind];
}
