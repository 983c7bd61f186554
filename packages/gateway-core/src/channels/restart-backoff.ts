export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Consecutive failures after which the circuit opens. */
  circuitAfter: number;
  /** How long an open circuit waits before one trial start. */
  circuitOpenMs: number;
}

/**
 * How long a supervisor waits before it starts an account again after `failures` consecutive
 * failures (1 or more): capped, jittered exponential backoff, then a fixed wait once the circuit
 * is open.
 */
export function restartDelay(
  policy: BackoffPolicy,
  failures: number,
  random: () => number = Math.random,
): { delayMs: number; circuitOpen: boolean } {
  const { baseMs, maxMs, circuitAfter, circuitOpenMs } = policy;
  const open = failures >= circuitAfter;
  const delay = open ? circuitOpenMs : Math.min(maxMs, baseMs * 2 ** (failures - 1));
  return { delayMs: open ? delay : Math.round(delay * (0.8 + random() * 0.4)), circuitOpen: open };
}
