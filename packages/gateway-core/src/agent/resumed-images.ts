import type { Logger } from '../logging/logger.ts';
import type { HistoryTurn } from '../sessions/responder.ts';
import type { ToolImage } from './tools/agent-tool.ts';

/**
 * The pictures the completed calls of a resumed turn had shown the model, read back from the
 * media store, by tool call id: the resumed turn sends them with those results again, as the turn
 * would have without the crash. A picture the store no longer has is left out (logged); the model
 * still gets the call's result with the picture's facts.
 */
export async function resumedImages(
  steps: readonly HistoryTurn[],
  readMedia: ((ref: string) => Promise<Uint8Array>) | undefined,
  log: Logger,
): Promise<Map<string, ToolImage[]>> {
  const out = new Map<string, ToolImage[]>();
  if (!readMedia) return out;
  for (const s of steps) {
    if (s.role !== 'toolResult' || s.isError || !s.toolCallId || !s.images?.length) continue;
    const images: ToolImage[] = [];
    for (const media of s.images) {
      if (!media.ref) continue;
      try {
        images.push({ mediaType: media.mimeType ?? 'image/png', data: await readMedia(media.ref), media });
      } catch (error) {
        log.warn(
          { toolCallId: s.toolCallId, mediaId: media.ref, err: (error as Error).message },
          'a picture of a resumed turn is gone from the media store; the model gets its facts only',
        );
      }
    }
    if (images.length) out.set(s.toolCallId, images);
  }
  return out;
}
