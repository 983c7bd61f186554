import type { StoredMedia } from '../../store/types.ts';
import { type ToolCallContext, toolProgress } from './agent-tool.ts';

/** Keeps a picture a tool took (the media store). */
export type StoreImage = (bytes: Uint8Array) => Promise<StoredMedia>;

const MEDIA_TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  webp: 'image/webp',
  gif: 'image/gif',
};

interface NodeImage {
  format: string;
  mediaType: string;
  bytes: Buffer;
  width: number | null;
  height: number | null;
  rest: Record<string, unknown>;
}

/**
 * The picture in a node's answer, if it carries one: `{format, base64, width?, height?}` is what
 * canvas.snapshot, camera.snap and the screen snapshot commands send back.
 */
export function imageIn(payload: unknown): NodeImage | undefined {
  if (typeof payload !== 'object' || payload === null) return undefined;
  const { base64, format, mimeType, width, height, ...rest } = payload as Record<string, unknown>;
  if (typeof base64 !== 'string') return undefined;
  const f = typeof format === 'string' ? format.toLowerCase() : 'png';
  const mediaType = typeof mimeType === 'string' && mimeType.startsWith('image/') ? mimeType : MEDIA_TYPES[f];
  if (!mediaType) return undefined;
  return {
    format: f,
    mediaType,
    bytes: Buffer.from(base64, 'base64'),
    width: typeof width === 'number' ? width : null,
    height: typeof height === 'number' ? height : null,
    rest,
  };
}

/**
 * A picture a node sent back becomes its facts (format, size, bytes, the media id): the bytes go
 * to the media store, never into the session history. The model is shown the picture beside the
 * result, a `tool` update says it was taken, and with `attach` it goes out with the turn's reply.
 */
export async function keepImage(
  payload: unknown,
  ctx: Pick<ToolCallContext, 'update' | 'image' | 'attach'>,
  store: StoreImage | undefined,
  attach: boolean,
): Promise<unknown> {
  const image = imageIn(payload);
  if (!image) return payload;
  const out: Record<string, unknown> = {
    ...image.rest,
    format: image.format,
    width: image.width,
    height: image.height,
    bytes: image.bytes.length,
  };
  let media: StoredMedia | undefined;
  if (store) {
    media = await store(image.bytes);
    out.mediaId = media.ref;
    if (attach) {
      ctx.attach(media);
      out.attached = true;
    }
  }
  const size = image.width && image.height ? `${image.width}x${image.height} ` : '';
  ctx.update(toolProgress(`picture taken: ${size}${image.format}, ${image.bytes.length} bytes`, out));
  // The stored copy carries the type the model is shown, so a resumed turn shows it the same way.
  ctx.image({
    mediaType: image.mediaType,
    data: image.bytes,
    ...(media ? { media: { ...media, mimeType: image.mediaType } } : {}),
  });
  return out;
}
