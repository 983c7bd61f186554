import type { OutboxRecord } from '../store/types.ts';
import type { ChannelCapabilities, OutboundMessage } from './sdk/types.ts';

/**
 * Part `part` of an outbox record as the adapter gets it: a text chunk or one media item, with
 * its nonce, and the reply or thread it belongs to.
 */
export function outboundPart(
  r: OutboxRecord,
  part: number,
  caps: ChannelCapabilities | undefined,
): OutboundMessage {
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
    const media: NonNullable<OutboundMessage['media']>[number] = {
      data: Buffer.from(m.data, 'base64'),
      mimeType: m.mimeType,
    };
    if (m.fileName) media.fileName = m.fileName;
    if (m.caption) media.caption = m.caption;
    msg.media = [media];
  }
  return msg;
}
