import type { ChannelCapabilities, InboundEnvelope, InboundMedia, MediaKind } from '../channels/sdk/types.ts';
import type { Logger } from '../logging/logger.ts';
import type { StoredMedia } from '../store/types.ts';
import { formatBytes, MediaTooLargeError, mediaNoun } from './media-errors.ts';
import type { MediaStore } from './media-store.ts';
import type { Transcriber } from './transcriber.ts';

export interface InboundMediaOptions {
  store: MediaStore;
  capabilities(channel: string): ChannelCapabilities | undefined;
  /** The configured transcriber, or undefined when voice notes are not transcribed. */
  transcriber(): Transcriber | undefined;
  log: Logger;
}

/**
 * The media step of the inbound path: each attachment is downloaded through the platform's own
 * API into the media store, within the gateway's item cap and the platform's download limit; a
 * voice note is transcribed when a model is configured. Nothing here throws: media that is too
 * large, or that fails to download or transcribe, becomes a note in the history, and the message
 * goes on to its session with whatever did arrive.
 */
export function createInboundMedia(o: InboundMediaOptions): (env: InboundEnvelope) => Promise<StoredMedia[]> {
  return async (env) => {
    const caps = o.capabilities(env.channel);
    const limit = Math.min(
      o.store.limits.maxItemBytes,
      caps?.media.maxDownloadBytes ?? Number.POSITIVE_INFINITY,
    );
    const out: StoredMedia[] = [];
    for (const m of env.media) out.push(await ingestOne(o, env, m, limit));
    return out;
  };
}

async function ingestOne(
  o: InboundMediaOptions,
  env: InboundEnvelope,
  m: InboundMedia,
  limit: number,
): Promise<StoredMedia> {
  const base: StoredMedia = { kind: m.kind };
  if (m.fileName) base.fileName = m.fileName;
  if (m.caption) base.caption = m.caption;
  if (m.mimeType) base.mimeType = m.mimeType;
  if (m.size !== undefined) base.size = m.size;
  const noun = mediaNoun(m.kind);
  if (m.size !== undefined && m.size > limit) {
    return {
      ...base,
      note: `${noun} of ${formatBytes(m.size)} refused: over the ${formatBytes(limit)} limit`,
    };
  }
  let bytes: Uint8Array;
  try {
    bytes = await m.fetch();
  } catch (error) {
    o.log.warn(
      { channel: env.channel, id: env.id, kind: m.kind, err: error },
      'inbound media download failed',
    );
    return { ...base, note: `${noun} could not be downloaded: ${(error as Error).message ?? String(error)}` };
  }
  let stored: StoredMedia;
  try {
    const item = await o.store.put(bytes, { maxBytes: limit });
    stored = {
      ...base,
      ref: item.id,
      mimeType: item.mimeType,
      size: item.size,
      kind: kindFor(m.kind, item.mimeType),
    };
  } catch (error) {
    if (error instanceof MediaTooLargeError)
      return {
        ...base,
        note: `${noun} of ${formatBytes(bytes.byteLength)} refused: over the ${formatBytes(limit)} limit`,
      };
    o.log.error({ channel: env.channel, id: env.id, err: error }, 'inbound media could not be stored');
    return { ...base, note: `${noun} could not be stored: ${(error as Error).message}` };
  }
  const transcriber = o.transcriber();
  if (transcriber && (stored.kind === 'voice' || stored.kind === 'audio')) {
    try {
      stored.transcript = await transcriber.transcribe({
        bytes,
        mimeType: stored.mimeType ?? 'audio/ogg',
        fileName:
          m.fileName ?? `voice.${(stored.mimeType ?? 'audio/ogg').split('/')[1]?.split(';')[0] ?? 'ogg'}`,
      });
    } catch (error) {
      o.log.warn({ channel: env.channel, id: env.id, err: error }, 'voice note transcription failed');
      stored.note = `not transcribed: ${(error as Error).message}`;
    }
  }
  return stored;
}

/** The platform's word for what it is, unless the bytes say otherwise (a "photo" that is a PDF is a file). */
function kindFor(claimed: MediaKind, mimeType: string): MediaKind {
  const family = mimeType.split('/')[0];
  switch (claimed) {
    case 'image':
      return family === 'image' ? 'image' : 'file';
    case 'video':
      return family === 'video' ? 'video' : 'file';
    case 'audio':
    case 'voice':
      // Voice notes are often Ogg/Opus, which sniffs as audio/ogg or audio/opus (or video/ogg).
      return family === 'audio' || mimeType === 'video/ogg' ? claimed : 'file';
    case 'sticker':
      return family === 'image' || family === 'video' || mimeType === 'application/gzip' ? 'sticker' : 'file';
    case 'file':
      return 'file';
  }
}

/**
 * What the agent is told about attachments in words: every model gets this, and one without
 * vision gets nothing else. A voice note's transcript stands in for its audio.
 */
export function describeMedia(media: readonly StoredMedia[]): string {
  return media
    .map((m) => {
      const noun = mediaNoun(m.kind);
      const facts = [
        m.fileName ? `"${m.fileName}"` : '',
        m.mimeType ?? '',
        m.size !== undefined ? formatBytes(m.size) : '',
      ]
        .filter(Boolean)
        .join(', ');
      const head = `[${noun}${facts ? `: ${facts}` : ''}]`;
      if (m.transcript) return `${head} transcript: ${m.transcript}`;
      if (m.note && !m.ref) return `[${m.note}]`;
      return m.caption ? `${head} ${m.caption}` : head;
    })
    .join('\n');
}

/** The text an agent gets: the message, then what was attached, in words. */
export function withMedia(text: string, media: readonly StoredMedia[]): string {
  if (!media.length) return text;
  const described = describeMedia(media);
  return text.trim() ? `${text}\n${described}` : described;
}
