import { gatewayError, type SendParams } from '@openclaw/protocol';
import type { MediaKind } from '../channels/sdk/types.ts';
import type { OutboxMedia, StoredMedia } from '../store/types.ts';
import { isMediaId, type MediaItem, type MediaStore } from './media-store.ts';

/** A stored item named by `media:<sha256>` or by its URL on the gateway. */
const REF = /^(?:media:|\/__openclaw__\/media\/)([0-9a-f]{64})$/;

/** One attachment as a client or a backend hands it over, before it is stored. */
export interface MediaInput {
  /** Bytes inline (base64 or raw), a data: URI, or a stored item (media:<sha256>). */
  source: { base64: string } | { bytes: Uint8Array } | { url: string };
  fileName?: string | undefined;
  caption?: string | undefined;
  kind?: MediaKind | undefined;
}

/**
 * Store attachments and describe them for the outbox: the bytes go to the media store (sniffed,
 * capped), the record keeps only the reference. Errors are the protocol's, with a detail code a
 * client can branch on.
 */
export async function storeMedia(store: MediaStore, inputs: MediaInput[]): Promise<OutboxMedia[]> {
  const out: OutboxMedia[] = [];
  for (const input of inputs) {
    const item = await putOne(store, input);
    const m: OutboxMedia = { ref: item.id, mimeType: item.mimeType, size: item.size };
    if (input.fileName) m.fileName = input.fileName;
    if (input.caption) m.caption = input.caption;
    if (input.kind) m.kind = input.kind;
    out.push(m);
  }
  return out;
}

/** The attachments of a `send` request. */
export function sendMediaInputs(params: SendParams): MediaInput[] {
  const kind: MediaKind | undefined = params.asVoice ? 'voice' : params.forceDocument ? 'file' : undefined;
  const inputs: MediaInput[] = [];
  for (const url of [...(params.mediaUrl ? [params.mediaUrl] : []), ...(params.mediaUrls ?? [])]) {
    inputs.push({ source: { url }, fileName: params.filename, kind });
  }
  if (params.buffer) inputs.push({ source: { base64: params.buffer }, fileName: params.filename, kind });
  return inputs;
}

async function putOne(store: MediaStore, input: MediaInput): Promise<MediaItem> {
  const s = input.source;
  if ('bytes' in s) return await store.put(s.bytes);
  if ('base64' in s) return await store.put(Buffer.from(s.base64, 'base64'));
  const ref = REF.exec(s.url)?.[1];
  if (ref) {
    const item = isMediaId(ref) ? await store.stat(ref) : undefined;
    if (!item) throw gatewayError('INVALID_REQUEST', 'MEDIA_NOT_FOUND', `no stored media ${s.url}`);
    return item;
  }
  const data = dataUrl(s.url);
  if (!data) {
    throw gatewayError(
      'INVALID_REQUEST',
      'MEDIA_URL_UNSUPPORTED',
      'media must be a data: URL or media:<sha256> (remote fetching is not enabled)',
    );
  }
  if (!input.fileName && data.fileName) input.fileName = data.fileName;
  return await store.put(data.bytes);
}

function dataUrl(url: string): { bytes: Buffer; fileName?: string } | undefined {
  const m = /^data:([^;,]+)?((?:;[^;,=]+=[^;,]*)*)(;base64)?,(.*)$/s.exec(url);
  if (!m) return undefined;
  const bytes = m[3] ? Buffer.from(m[4]!, 'base64') : Buffer.from(decodeURIComponent(m[4]!));
  const name = /;filename=([^;,]+)/.exec(m[2] ?? '')?.[1];
  return name ? { bytes, fileName: decodeURIComponent(name) } : { bytes };
}

const HINTED_KINDS = new Set<MediaKind>(['voice', 'sticker', 'file']);

/**
 * WebChat attachments (`chat.send` `attachments`) into the media store, as history media. The
 * kind comes from the sniffed type unless the client asked for a voice note, sticker or file.
 */
export async function storeChatAttachments(
  store: MediaStore,
  attachments: readonly { type?: string | undefined; fileName?: string | undefined; content: string }[],
): Promise<StoredMedia[]> {
  const inputs: MediaInput[] = attachments.map((a) => {
    const c = a.content;
    const source = c.startsWith('data:') || REF.test(c) ? { url: c } : { base64: c };
    const hinted = HINTED_KINDS.has(a.type as MediaKind) ? (a.type as MediaKind) : undefined;
    return { source, fileName: a.fileName, kind: hinted };
  });
  const stored = await storeMedia(store, inputs);
  return stored.map((m) => {
    const out: StoredMedia = { kind: m.kind ?? kindOfType(m.mimeType), ref: m.ref, mimeType: m.mimeType };
    if (m.size !== undefined) out.size = m.size;
    if (m.fileName) out.fileName = m.fileName;
    return out;
  });
}

/** History media as outbox attachments (a reply carrying stored media out). */
export function outboxMediaOf(media: readonly StoredMedia[]): OutboxMedia[] {
  return media.flatMap((m) => {
    if (!m.ref || !m.mimeType) return [];
    const out: OutboxMedia = { ref: m.ref, mimeType: m.mimeType };
    if (m.size !== undefined) out.size = m.size;
    if (m.fileName) out.fileName = m.fileName;
    if (m.caption) out.caption = m.caption;
    if (m.kind === 'voice' || m.kind === 'sticker') out.kind = m.kind;
    return [out];
  });
}

function kindOfType(mimeType: string): MediaKind {
  const f = mimeType.split('/')[0];
  return f === 'image' ? 'image' : f === 'video' ? 'video' : f === 'audio' ? 'audio' : 'file';
}
