/**
 * WebSocket close codes the gateway and clients use. The reasons are short and human;
 * clients branch on the code.
 */
export const CloseCodes = {
  /** Normal close (client or server finished). */
  NORMAL: 1000,
  /** The gateway is going away (shutdown without a restart planned). */
  GOING_AWAY: 1001,
  /** Policy violation: bad first frame, failed handshake, handshake timeout, slow consumer. */
  POLICY_VIOLATION: 1008,
  /** A frame was larger than allowed (64 KiB before `hello-ok`, `policy.maxPayload` after). */
  MESSAGE_TOO_BIG: 1009,
  /** Unexpected server failure. */
  INTERNAL_ERROR: 1011,
  /** The gateway is restarting; reconnect after `restartExpectedMs`. */
  SERVICE_RESTART: 1012,
  /** Client-side: no frame for two tick intervals, the link is treated as dead. */
  TICK_TIMEOUT: 4000,
  /** The credential this socket used was rotated or revoked, or gateway auth changed. */
  CREDENTIALS_REVOKED: 4001,
} as const;
export type CloseCode = (typeof CloseCodes)[keyof typeof CloseCodes];
