import { createReadStream, openAsBlob } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import type { MediaKind, OutboundMedia } from './types.ts';

/** The whole content, for APIs that only take it inline (Signal's base64 JSON). */
export async function mediaBytes(m: OutboundMedia): Promise<Uint8Array> {
  if (m.data) return m.data;
  if (m.path) return new Uint8Array(await readFile(m.path));
  throw new Error('outbound media has neither data nor path');
}

/** A Node stream of the content: read from disk as it is sent, never held whole. */
export function mediaStream(m: OutboundMedia): Readable {
  if (m.data) return Readable.from([Buffer.from(m.data)]);
  if (m.path) return createReadStream(m.path, { highWaterMark: 256 * 1024 });
  throw new Error('outbound media has neither data nor path');
}

/** A Blob for fetch/FormData uploads; file-backed (read lazily) when the media is on disk. */
export async function mediaBlob(m: OutboundMedia): Promise<Blob> {
  if (m.data) return new Blob([new Uint8Array(m.data)], { type: m.mimeType });
  if (m.path) return openAsBlob(m.path, { type: m.mimeType });
  throw new Error('outbound media has neither data nor path');
}

/** The size in bytes, when known without reading. */
export function mediaSize(m: OutboundMedia): number | undefined {
  return m.data?.byteLength ?? m.size;
}

/** The kind to present it as: the one asked for, else from the MIME type. */
export function mediaKindOf(m: { kind?: MediaKind | undefined; mimeType: string }): MediaKind {
  if (m.kind) return m.kind;
  const t = m.mimeType.toLowerCase();
  if (t.startsWith('image/')) return 'image';
  if (t.startsWith('video/')) return 'video';
  if (t.startsWith('audio/')) return 'audio';
  return 'file';
}

/** A file name for platforms that need one: the given one, else `<kind>.<subtype>`. */
export function mediaFileName(m: {
  fileName?: string | undefined;
  mimeType: string;
  kind?: MediaKind | undefined;
}): string {
  if (m.fileName) return m.fileName;
  const sub =
    m.mimeType
      .split('/')[1]
      ?.split(/[;+]/)[0]
      ?.replace(/[^a-z0-9]/gi, '') || 'bin';
  const ext = sub === 'jpeg' ? 'jpg' : sub === 'plain' ? 'txt' : sub === 'octetstream' ? 'bin' : sub;
  return `${mediaKindOf(m)}.${ext}`;
}
