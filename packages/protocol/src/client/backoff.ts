export interface BackoffOptions {
  /** First delay (default 1 s). */
  initialDelayMs?: number;
  /** Cap (default 30 s). */
  maxDelayMs?: number;
  /** ± fraction applied at random (default 0.2). */
  jitter?: number;
  /** Source of randomness in [0, 1) (tests pass a fixed one). */
  random?: () => number;
}

/** Exponential backoff with jitter: attempt 0 → ~initial, doubling up to the cap. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialDelayMs ?? 1000;
  const max = options.maxDelayMs ?? 30_000;
  const jitter = options.jitter ?? 0.2;
  const random = options.random ?? Math.random;
  const base = Math.min(max, initial * 2 ** Math.min(attempt, 30));
  const spread = base * jitter * (random() * 2 - 1);
  return Math.max(0, Math.min(max, Math.round(base + spread)));
}
