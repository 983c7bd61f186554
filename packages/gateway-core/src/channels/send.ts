import type { SendParams, SendResult } from '@openclaw/protocol';
import { gatewayError } from '@openclaw/protocol';
import type { MediaStore } from '../media/media-store.ts';
import { sendMediaInputs, storeMedia } from '../media/send-media.ts';
import type { OutboxMedia, OutboxRecord } from '../store/types.ts';
import type { AccountTable } from './account-table.ts';
import type { Outbox } from './outbox.ts';

/** The `send` method: a message to any chat of a configured account, through the durable outbox. */
export class ChannelSend {
  readonly #table: AccountTable;
  readonly #outbox: Pick<Outbox, 'enqueue'>;
  readonly #media: MediaStore | undefined;

  /** `media`: where attachments are stored (without it, a send with media is refused). */
  constructor(table: AccountTable, outbox: Pick<Outbox, 'enqueue'>, media?: MediaStore) {
    this.#table = table;
    this.#outbox = outbox;
    this.#media = media;
  }

  /** `caller` scopes the idempotency key (a device id, `cron`). */
  async send(params: SendParams, caller: string): Promise<SendResult> {
    const channel = params.channel ?? this.#table.defaultChannel();
    if (!channel || !this.#table.provider(channel)) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CHANNEL_UNKNOWN',
        `unknown channel: ${channel ?? '(none configured)'}`,
      );
    }
    const accountId = params.accountId ?? 'default';
    if (!this.#table.get(channel, accountId)) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CHANNEL_ACCOUNT_UNKNOWN',
        `no account ${accountId} on ${channel}`,
      );
    }
    const inputs = sendMediaInputs(params);
    if (inputs.length && !this.#media)
      throw gatewayError('INVALID_REQUEST', 'MEDIA_UNSUPPORTED', 'this gateway has no media store');
    const media: OutboxMedia[] = this.#media ? await storeMedia(this.#media, inputs) : [];
    const { record } = await this.#outbox.enqueue({
      channel,
      accountId,
      chatId: params.to,
      threadId: params.threadId,
      replyToId: params.replyToId,
      text: params.message,
      media,
      sessionKey: params.sessionKey,
      dedupeKey: `${caller}|send|${params.idempotencyKey}`,
    });
    return toSendResult(record);
  }
}

function toSendResult(r: OutboxRecord): SendResult {
  const out: SendResult = {
    messageId: r.id,
    channel: r.channel,
    accountId: r.accountId,
    to: r.chatId,
    status: r.status === 'delivered' ? 'delivered' : r.status === 'failed' ? 'failed' : 'queued',
    chunks: r.chunks.length,
  };
  if (r.platformIds.length) out.platformMessageIds = [...r.platformIds];
  return out;
}
