import type { MediaStore } from '../media/media-store.ts';
import type { OutboxRecord } from '../store/types.ts';
import { PermanentSendError } from './sdk/errors.ts';
import type { ChannelCapabilities, OutboundMessage } from './sdk/types.ts';

/**
 * Part `part` of an outbox record as the adapter gets it: a text chunk or one media item (a stored
 * item as its path in the media store, for the adapter to stream), with its nonce, and the reply
 * or thread it belongs to.
 */
export async function outboundPart(
  r: OutboxRecord,
  part: number,
  caps: ChannelCapabilities | undefined,
  store: MediaStore | undefined,
): Promise<OutboundMessage> {
  const msg: OutboundMessage = { to: { chatId: r.chatId }, nonce: `${r.id}:${part}` };
  if (r.threadId) msg.to.threadId = r.threadId;
  if (r.replyToId && !r.threadId && caps?.replyStartsThread) {
    // Where a reply is a thread, the whole reply belongs in it.
    msg.to.threadId = r.replyToId;
  } else if (r.replyToId && part === 0) {
    // Elsewhere only the first part quotes the original; the rest follow it.
    msg.replyToId = r.replyToId;
  }
  if (part < r.chunks.length) {
    msg.text = r.chunks[part]!;
  } else {
    const m = r.media[part - r.chunks.length]!;
    const media: NonNullable<OutboundMessage['media']>[number] = { mimeType: m.mimeType };
    if (m.ref) {
      const item = store ? await store.stat(m.ref) : undefined;
      // Gone (swept, or a volume not shared across the cluster): no retry brings it back.
      if (!item || !store)
        throw new PermanentSendError(`media ${m.ref.slice(0, 12)}… is no longer in the media store`);
      media.path = store.path(m.ref);
      media.size = item.size;
    } else if (m.data !== undefined) {
      media.data = Buffer.from(m.data, 'base64');
    }
    if (m.kind) media.kind = m.kind;
    if (m.fileName) media.fileName = m.fileName;
    if (m.caption) media.caption = m.caption;
    msg.media = [media];
  }
  return msg;
}
