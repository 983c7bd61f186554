import type { SendParams, SendResult } from '@openclaw/protocol';
import { type DetailCode, gatewayError } from '@openclaw/protocol';
import type { OutboxMedia, OutboxRecord } from '../store/types.ts';
import type { AccountTable } from './account-table.ts';
import { type Outbox, OutboxError } from './outbox.ts';

/** The `send` method: a message to any chat of a configured account, through the durable outbox. */
export class ChannelSend {
  readonly #table: AccountTable;
  readonly #outbox: Pick<Outbox, 'enqueue'>;

  constructor(table: AccountTable, outbox: Pick<Outbox, 'enqueue'>) {
    this.#table = table;
    this.#outbox = outbox;
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
    const media: OutboxMedia[] = [];
    for (const url of [...(params.mediaUrl ? [params.mediaUrl] : []), ...(params.mediaUrls ?? [])]) {
      media.push(dataUrlMedia(url, params.filename));
    }
    if (params.buffer) {
      const m: OutboxMedia = {
        mimeType: params.contentType ?? 'application/octet-stream',
        data: params.buffer,
      };
      if (params.filename) m.fileName = params.filename;
      media.push(m);
    }
    try {
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
    } catch (error) {
      if (error instanceof OutboxError)
        throw gatewayError('INVALID_REQUEST', error.code as DetailCode, error.message);
      throw error;
    }
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

function dataUrlMedia(url: string, fileName?: string): OutboxMedia {
  const m = /^data:([^;,]+)?((?:;[^;,=]+=[^;,]*)*)(;base64)?,(.*)$/s.exec(url);
  if (!m) {
    throw gatewayError(
      'INVALID_REQUEST',
      'MEDIA_URL_UNSUPPORTED',
      'media must be a data: URL (remote fetching is not enabled)',
    );
  }
  const mimeType = m[1] ?? 'application/octet-stream';
  const data = m[3] ? m[4]! : Buffer.from(decodeURIComponent(m[4]!)).toString('base64');
  const name = /;filename=([^;,]+)/.exec(m[2] ?? '')?.[1];
  const out: OutboxMedia = { mimeType, data };
  const fn = fileName ?? (name ? decodeURIComponent(name) : undefined);
  if (fn) out.fileName = fn;
  return out;
}
