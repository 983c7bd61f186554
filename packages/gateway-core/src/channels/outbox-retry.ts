/** How the outbox retries a part: transient failures with capped backoff, rate limits within a cap. */
export interface OutboxRetryPolicy {
  /** Transient failures of one part before the record is failed. */
  maxAttempts: number;
  baseMs: number;
  maxMs: number;
  /** A platform's retry-after is honoured up to this. */
  rateLimitCapMs: number;
  /** Rate-limit answers for one part before the record is failed (a platform that never lets up). */
  maxRateLimited: number;
}

export const DEFAULT_RETRY: OutboxRetryPolicy = {
  maxAttempts: 8,
  baseMs: 500,
  maxMs: 60_000,
  rateLimitCapMs: 120_000,
  maxRateLimited: 50,
};
