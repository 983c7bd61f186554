export type RedisStoreErrorCode =
  /** `sessions.append` to a session that was never ensured. */
  | 'SESSION_UNKNOWN'
  /** A create (outbox enqueue, run create) reused the id of a different record. */
  | 'DUPLICATE_ID'
  /** A message update kept losing its compare-and-set to concurrent updates. */
  | 'STORE_CONFLICT';

/** A Store contract violation detected by the Redis store. Connection failures stay ioredis errors. */
export class RedisStoreError extends Error {
  override name = 'RedisStoreError';
  readonly code: RedisStoreErrorCode;
  constructor(code: RedisStoreErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
