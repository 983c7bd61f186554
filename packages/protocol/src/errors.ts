/**
 * The error catalogue. Top-level `code`s are few and stable; the specific reason lives in
 * `details.code`. Every entry carries its description: `docs/errors.md` is generated from here.
 */
export const ErrorCodes = {
  INVALID_REQUEST: 'A frame, its params or a method precondition was rejected; details.code says which.',
  NOT_PAIRED: 'The device is known but still needs an operator approval (details.code PAIRING_REQUIRED).',
  FORBIDDEN: 'The caller is authenticated but lacks the scope or role the method needs.',
  NOT_FOUND: 'The thing the request names (request id, device, node, job) does not exist.',
  UNAVAILABLE: 'The gateway or a backend it needs cannot serve this now; retry after retryAfterMs.',
  TIMEOUT: 'The operation did not finish within its deadline.',
  NOT_LINKED: 'The channel account is not linked (for example WhatsApp needs a QR login).',
  AGENT_TIMEOUT: 'An agent run did not finish within its timeout.',
  INTERNAL: 'An unexpected failure inside the gateway; the request had no effect that was acknowledged.',
} as const;
export type ErrorCode = keyof typeof ErrorCodes;

/** `details.code` values. Connect failures, authorization failures and method-specific reasons. */
export const DetailCodes = {
  // frames and routing
  JSON_INVALID: 'The frame was not valid JSON.',
  FRAME_INVALID: 'The frame is not a valid req frame; details.path names the field.',
  FIRST_FRAME_NOT_CONNECT: 'The first frame on a socket must be a connect request.',
  ALREADY_CONNECTED: 'connect was sent again on a socket that already completed its handshake.',
  METHOD_UNKNOWN: 'No such method; details.method names it.',
  PARAMS_INVALID: 'The params do not match the method schema; details.path and details.reason say where.',
  PAYLOAD_TOO_LARGE: 'The frame exceeds the size allowed at this stage of the connection.',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was already used for a different method by this caller.',
  SHUTTING_DOWN: 'The gateway is draining and accepts no new work.',
  RATE_LIMITED:
    'Too many requests; retry after retryAfterMs. Side-effecting requests are limited per connection, in number and in bytes (limits.writesPerSecond/writeBurst, limits.writeBytesPerSecond/writeBurstBytes; details.limit names the one hit).',
  MESSAGE_TOO_LARGE:
    'The message text is longer than the gateway takes; details.limitBytes and details.sizeBytes give both, details.limit names the config key (limits.maxMessageBytes).',
  // connect: protocol and auth
  PROTOCOL_MISMATCH: 'No protocol version in common; details.supported gives the accepted range.',
  AUTH_REQUIRED: 'The gateway requires a credential and none was sent.',
  AUTH_TOKEN_MISSING: 'Token auth is configured and no token was sent.',
  AUTH_TOKEN_MISMATCH: 'The shared token is wrong.',
  AUTH_PASSWORD_MISSING: 'Password auth is configured and no password was sent.',
  AUTH_PASSWORD_MISMATCH: 'The password is wrong.',
  AUTH_RATE_LIMITED: 'Too many failed attempts from this client; retry after retryAfterMs.',
  AUTH_DEVICE_TOKEN_MISMATCH: 'The device token is unknown, rotated, revoked, or belongs to another device.',
  AUTH_SCOPE_MISMATCH: 'The device token is valid but does not cover the requested role or scopes; re-pair.',
  DEVICE_IDENTITY_REQUIRED: 'connect must carry a signed device identity.',
  DEVICE_AUTH_NONCE_REQUIRED: 'device.nonce was empty.',
  DEVICE_AUTH_NONCE_MISMATCH:
    'device.nonce is not the challenge this socket was sent (or it was already used).',
  DEVICE_AUTH_SIGNATURE_INVALID: 'The device signature does not verify over the v3 (or v2) payload.',
  DEVICE_AUTH_SIGNATURE_EXPIRED: 'device.signedAt is outside the allowed clock skew.',
  DEVICE_AUTH_DEVICE_ID_MISMATCH: 'device.id is not the SHA-256 of the public key.',
  DEVICE_AUTH_PUBLIC_KEY_INVALID: 'device.publicKey is not a raw 32-byte Ed25519 key in base64url.',
  PAIRING_REQUIRED: 'The device needs approval; details.requestId names the pending request.',
  CONTROL_UI_ORIGIN_NOT_ALLOWED: 'The browser Origin is neither same-origin nor in the allowlist.',
  ROLE_INVALID: 'The requested role is not one the gateway knows.',
  SCOPE_INVALID: 'A requested scope is not one the gateway knows.',
  // authorization
  MISSING_SCOPE: 'The caller lacks details.missingScope; details.requiredScopes lists what would do.',
  ROLE_REQUIRED: 'The method is only for connections with details.requiredRole.',
  // nodes
  NODE_NOT_CONNECTED: 'The node is not connected to this gateway.',
  NODE_COMMAND_NOT_ALLOWED: 'The command is not approved for this node, or is on the deny list.',
  NODE_INVOKE_TIMEOUT: 'The node did not answer before the invoke deadline.',
  NODE_DISCONNECTED: 'The node disconnected before answering.',
  NODE_NOT_READY: 'The node has not been approved or is not ready for invokes.',
  NODE_GATEWAY_GONE:
    'The node was held by another gateway of the cluster, and that gateway left before answering.',
  REQUEST_UNKNOWN: 'No pending request with that id (message: unknown requestId).',
  // channels
  CHANNEL_UNKNOWN: 'No provider for that channel id in this gateway.',
  CHANNEL_ACCOUNT_UNKNOWN: 'The channel has no account with that id in the config.',
  CHANNEL_NOT_RUNNING: 'The channel account is not connected (see channels.status for why).',
  CHANNEL_PAIRING_UNKNOWN: 'No pending DM pairing request with that code (it may have expired).',
  SEND_EMPTY: 'A send needs text or media.',
  MEDIA_UNSUPPORTED: 'The channel cannot send media.',
  MEDIA_URL_UNSUPPORTED:
    'Media must be given as a data: URL, a base64 buffer, or media:<sha256> of a stored item.',
  MEDIA_KIND_UNSUPPORTED:
    'The channel cannot carry that kind of media (a voice note or sticker where it has none).',
  MEDIA_TOO_LARGE:
    "The media is over the gateway's item limit (media.maxItemBytes) or the platform's upload limit.",
  MEDIA_NOT_FOUND: 'No stored media with that id (it may have expired).',
  MEDIA_ID_INVALID: 'Not a media id (the SHA-256 of the bytes, 64 lowercase hex digits).',
  MEDIA_STORE_FULL: 'The media store is full of media still waiting to be sent; retry later.',
  OUTBOX_CLOSED: 'The gateway is shutting down and accepts no new sends.',
  // cluster and storage
  CLUSTER_UNAVAILABLE: 'The shared cluster backend (Redis) is unreachable; retry shortly.',
  STORE_FAILING:
    "The gateway's database cannot take writes (damaged file, I/O error, full disk; details.kind and details.reason say which); nothing was stored. Readiness reports it; retry after retryAfterMs.",
  // agent and cron
  RUN_UNKNOWN: 'No agent run with that id (it may have been pruned).',
  SESSION_BUSY:
    'The session already has agent.maxQueuedRuns runs waiting behind its active one; retry after retryAfterMs.',
  AGENT_UNKNOWN: 'No agent with that id on this gateway (agents.list names them).',
  PROVIDER_UNKNOWN:
    'No model provider by that name in the config (models.list names the known ones in details).',
  SESSION_UNKNOWN: 'No session with that key.',
  THINKING_UNSUPPORTED:
    "The session's model cannot take that thinking level (its provider's API has no such setting); details.allowed names the levels it takes.",
  SYSTEM_RUN_DENIED: 'The exec approval policy or an operator refused this system.run; it did not run.',
  APPROVAL_UNKNOWN: 'No exec approval with that id is pending (it may have been decided or have lapsed).',
  QUESTION_UNKNOWN: 'No question with that id is pending (it may have been answered or have lapsed).',
  ACTION_UNSUPPORTED: 'The channel cannot do this action (details.action, details.channel).',
  ACTION_REJECTED:
    'The platform refused the action (the message is not ours, too old to edit, or already gone).',
  DELIVERY_ROUTE_MISSING:
    'deliver was asked but there is no channel route for the reply (name channel and to, or pass bestEffortDeliver).',
  CRON_JOB_UNKNOWN: 'No scheduled job with that id.',
  CRON_SCHEDULE_INVALID: 'The schedule cannot be parsed (cron expression, time zone, interval or time).',
  CRON_FIELD_UNSUPPORTED:
    'The job asks for something of the reference job layout this gateway cannot carry out; details.path names the field.',
  // themes
  THEME_INVALID:
    'The theme definition or request cannot be used (a malformed color or font, an unknown critter, too large); the message names the field.',
  THEME_UNKNOWN: 'No theme with that id in the catalog (themes.list names them).',
  THEME_MODE_UNSUPPORTED: 'The theme has no palette for the requested light or dark mode.',
  THEME_LIMIT_REACHED: 'The gateway already keeps its maximum number of imported themes.',
  // config
  CONFIG_INVALID:
    'The config does not match its schema; details.issues lists every problem (path, message, allowed values, suggestion), details.path names the first.',
  CONFIG_CONFLICT: 'The config changed since baseHash was read.',
} as const;
export type DetailCode = keyof typeof DetailCodes;

/** The error object carried by `res` frames with `ok: false`. */
export interface ErrorShapeLike {
  code: string;
  message: string;
  details?: unknown;
  retryable?: boolean;
  retryAfterMs?: number;
}

export interface GatewayErrorInit {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
  cause?: unknown;
}

/** The one error class the gateway throws and the client surfaces. */
export class GatewayError extends Error {
  override name = 'GatewayError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(init: GatewayErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code;
    this.details = init.details;
    this.retryable = init.retryable ?? init.code === 'UNAVAILABLE';
    this.retryAfterMs = init.retryAfterMs;
  }

  /** `details.code`, when present. */
  get detailCode(): string | undefined {
    const code = this.details?.code;
    return typeof code === 'string' ? code : undefined;
  }

  toShape(): ErrorShapeLike {
    const shape: ErrorShapeLike = { code: this.code, message: this.message };
    if (this.details !== undefined) shape.details = this.details;
    if (this.retryable) shape.retryable = true;
    if (this.retryAfterMs !== undefined) shape.retryAfterMs = this.retryAfterMs;
    return shape;
  }
}

/**
 * The one conversion of something thrown into a GatewayError: a GatewayError stays as it is,
 * anything else becomes INTERNAL with `message` (never the thrown text, which may carry paths or
 * secrets) and keeps the original as `cause` for the logs.
 */
export function fromUnknown(error: unknown, message = 'unexpected failure'): GatewayError {
  if (error instanceof GatewayError) return error;
  return new GatewayError({ code: 'INTERNAL', message, cause: error });
}

/** A request that came back with `ok: false`, or failed on the client side (timeout, closed). */
export class GatewayRequestError extends GatewayError {
  override name = 'GatewayRequestError';
  readonly method: string;
  constructor(method: string, init: GatewayErrorInit) {
    super(init);
    this.method = method;
  }

  static fromShape(method: string, shape: ErrorShapeLike): GatewayRequestError {
    const known = shape.code in ErrorCodes ? (shape.code as ErrorCode) : 'INTERNAL';
    const details =
      shape.details && typeof shape.details === 'object'
        ? (shape.details as Record<string, unknown>)
        : undefined;
    const init: GatewayErrorInit = { code: known, message: shape.message };
    if (details) init.details = known === shape.code ? details : { ...details, originalCode: shape.code };
    else if (known !== shape.code) init.details = { originalCode: shape.code };
    if (shape.retryable !== undefined) init.retryable = shape.retryable;
    if (shape.retryAfterMs !== undefined) init.retryAfterMs = shape.retryAfterMs;
    return new GatewayRequestError(method, init);
  }
}

/** Shorthand for building a typed error with a `details.code`. */
export function gatewayError(
  code: ErrorCode,
  detailCode: DetailCode | undefined,
  message: string,
  extra?: { details?: Record<string, unknown>; retryable?: boolean; retryAfterMs?: number; cause?: unknown },
): GatewayError {
  const init: GatewayErrorInit = { code, message };
  const details = detailCode ? { code: detailCode, ...extra?.details } : extra?.details;
  if (details) init.details = details;
  if (extra?.retryable !== undefined) init.retryable = extra.retryable;
  if (extra?.retryAfterMs !== undefined) init.retryAfterMs = extra.retryAfterMs;
  if (extra?.cause !== undefined) init.cause = extra.cause;
  return new GatewayError(init);
}
