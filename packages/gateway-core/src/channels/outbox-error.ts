/** Why the outbox refused a send at enqueue (the send method answers with the code). */
export type OutboxErrorCode =
  | 'OUTBOX_CLOSED'
  | 'CHANNEL_UNKNOWN'
  | 'SEND_EMPTY'
  | 'MEDIA_UNSUPPORTED'
  | 'MEDIA_KIND_UNSUPPORTED'
  | 'MEDIA_TOO_LARGE';

export class OutboxError extends Error {
  override name = 'OutboxError';
  readonly code: OutboxErrorCode;
  constructor(code: OutboxErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
