/** Bounds on what one connection may write (`limits.*`; read per request, so changes apply live). */
export interface WriteLimits {
  /** Largest `message` text in UTF-8 bytes. */
  maxMessageBytes: number;
  /** Sustained side-effecting requests per second per connection. */
  writesPerSecond: number;
  /** Side-effecting requests a connection may make at once. */
  writeBurst: number;
  /** Sustained bytes of side-effecting request frames per second per connection. */
  writeBytesPerSecond: number;
  /** Bytes of side-effecting request frames a connection may send at once. */
  writeBurstBytes: number;
}

/** The per-connection state of the two buckets (plain fields on the connection). */
export interface WriteBudgetState {
  writeTokens: number;
  byteTokens: number;
  writeRefilledAt: number;
}

export interface WriteRefusal {
  waitMs: number;
  limit: 'limits.writesPerSecond' | 'limits.writeBytesPerSecond';
}

/**
 * Spend one request and `frameBytes` from the connection's buckets, or spend nothing and say how
 * long until both have enough. Numbers on the connection only: nothing is allocated unless refused.
 * A frame larger than the byte burst costs the whole burst, so it can still go through.
 */
export function spendWriteBudget(
  state: WriteBudgetState,
  limits: WriteLimits,
  nowMs: number,
  frameBytes: number,
): WriteRefusal | undefined {
  const elapsed = Math.max(0, nowMs - state.writeRefilledAt);
  const writes = Math.min(limits.writeBurst, state.writeTokens + (elapsed * limits.writesPerSecond) / 1000);
  const bytes = Math.min(
    limits.writeBurstBytes,
    state.byteTokens + (elapsed * limits.writeBytesPerSecond) / 1000,
  );
  state.writeRefilledAt = nowMs;
  const cost = Math.min(frameBytes, limits.writeBurstBytes);
  if (writes >= 1 && bytes >= cost) {
    state.writeTokens = writes - 1;
    state.byteTokens = bytes - cost;
    return undefined;
  }
  state.writeTokens = writes;
  state.byteTokens = bytes;
  const writeWait = writes >= 1 ? 0 : ((1 - writes) * 1000) / limits.writesPerSecond;
  const byteWait = bytes >= cost ? 0 : ((cost - bytes) * 1000) / limits.writeBytesPerSecond;
  return {
    waitMs: Math.max(1, Math.ceil(Math.max(writeWait, byteWait))),
    limit: writeWait >= byteWait ? 'limits.writesPerSecond' : 'limits.writeBytesPerSecond',
  };
}
