import { CoreError } from '../errors/core-error.ts';

/** Why the outbox refused a send at enqueue; a request is answered by its code (errors/to-gateway-error.ts). */
export type OutboxErrorCode =
  | 'OUTBOX_CLOSED'
  | 'CHANNEL_UNKNOWN'
  | 'SEND_EMPTY'
  | 'MEDIA_UNSUPPORTED'
  | 'MEDIA_KIND_UNSUPPORTED'
  | 'MEDIA_TOO_LARGE';

export class OutboxError extends CoreError<OutboxErrorCode> {
  override name = 'OutboxError';
}
