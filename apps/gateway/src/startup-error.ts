/**
 * Every way the gateway refuses to start, with the exit code it leaves with. Scripts and service
 * managers branch on the exit code, so these are stable; the README's "Exit codes" table lists
 * them (startup-error.test.ts fails when the two disagree).
 */
export const StartupFailures = {
  /** A command-line flag has a bad value (`--port http`). */
  FLAG_INVALID: 2,
  /** The config file, or an environment variable over it, is invalid. */
  CONFIG_INVALID: 2,
  /** The bind mode has no address on this machine (tailnet without Tailscale, custom without a host). */
  BIND_UNAVAILABLE: 2,
  /** Listening beyond loopback with auth mode "none". */
  EXPOSURE_REFUSED: 2,
  /** The auth mode has no secret configured (a password mode without a password). */
  AUTH_SECRET_MISSING: 2,
  /** A configured channel's platform library is not installed next to the gateway. */
  CHANNEL_LIBRARY_MISSING: 2,
  /** `cluster.redisUrl` is set and Redis cannot be reached. */
  CLUSTER_UNREACHABLE: 2,
  /** Another gateway holds the state dir. */
  STATE_DIR_LOCKED: 3,
  /** The port is taken. */
  PORT_IN_USE: 4,
  /** The database is damaged or cannot be opened. */
  DATABASE_UNUSABLE: 7,
} as const;

export type StartupFailure = keyof typeof StartupFailures;

/** A refused start: the message says what is wrong and what to do; the code says which refusal. */
export class StartupError extends Error {
  override name = 'StartupError';
  readonly code: StartupFailure;
  readonly exitCode: number;

  constructor(code: StartupFailure, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.exitCode = StartupFailures[code];
  }
}
