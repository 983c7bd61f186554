/**
 * Why something inside the core failed, in the core's own words. Services throw these without
 * knowing the wire; `toGatewayError` is the one place that says how each is answered.
 */
export type CoreErrorCode =
  | 'STORE_FAILING'
  | 'STORE_UNAVAILABLE'
  | 'CRON_JOB_UNKNOWN'
  | 'CRON_SCHEDULE_INVALID'
  | 'CRON_FIELD_UNSUPPORTED'
  | 'OUTBOX_CLOSED'
  | 'CHANNEL_UNKNOWN'
  | 'SEND_EMPTY'
  | 'MEDIA_UNSUPPORTED'
  | 'MEDIA_KIND_UNSUPPORTED'
  | 'MEDIA_TOO_LARGE'
  | 'MEDIA_STORE_FULL'
  | 'MEDIA_NOT_FOUND'
  | 'MEDIA_ID_INVALID'
  | 'ACTION_UNSUPPORTED'
  | 'ACTION_REJECTED'
  | 'CHANNEL_NOT_RUNNING';

/** An internal failure with a code the router maps to a wire error. */
export class CoreError<C extends CoreErrorCode = CoreErrorCode> extends Error {
  override name = 'CoreError';
  readonly code: C;
  /** Facts for the answer's `details` (never secrets). */
  readonly details: Record<string, unknown> | undefined;
  constructor(
    code: C,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}
