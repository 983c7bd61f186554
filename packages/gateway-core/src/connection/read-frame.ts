import {
  type ConnectParams,
  connectParamsValidator,
  type GatewayError,
  gatewayError,
  type RequestFrame,
  requestFrameValidator,
} from '@openclaw/protocol';

/** A text frame that cannot be handled, and the id its error answer goes back under. */
export class RejectedFrame {
  /** Null when the frame carries no usable id. */
  readonly id: string | null;
  readonly error: GatewayError;

  constructor(id: string | null, error: GatewayError) {
    this.id = id;
    this.error = error;
  }
}

/** A connect request whose params passed their schema. */
export interface ConnectRequest {
  id: string;
  params: ConnectParams;
}

/**
 * Parse and check one request frame. This is on the per-frame path: a good frame comes back as
 * parsed, with nothing allocated beside it.
 */
export function readRequestFrame(text: string): RequestFrame | RejectedFrame {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return new RejectedFrame(
      null,
      gatewayError('INVALID_REQUEST', 'JSON_INVALID', 'frame is not valid JSON'),
    );
  }
  if (!requestFrameValidator.check(frame))
    return new RejectedFrame(requestIdOf(frame), invalidFrameError(frame));
  return frame;
}

/**
 * The first frame of a connection: a connect request with valid params. `onDropped` hears of the
 * params fields this gateway does not know, which are ignored.
 */
export function readConnectFrame(
  text: string,
  onDropped: (fields: string[]) => void,
): ConnectRequest | RejectedFrame {
  const frame = readRequestFrame(text);
  if (frame instanceof RejectedFrame) return frame;
  if (frame.method !== 'connect') {
    return new RejectedFrame(
      frame.id,
      gatewayError(
        'INVALID_REQUEST',
        'FIRST_FRAME_NOT_CONNECT',
        `first request must be connect, got ${frame.method}`,
      ),
    );
  }
  let params: unknown = frame.params;
  if (!connectParamsValidator.check(params)) {
    // A newer client's connect may carry fields this gateway does not know: drop them, check the rest.
    const { value, dropped } = connectParamsValidator.dropUnknown(params);
    if (dropped.length > 0) {
      onDropped(dropped);
      params = value;
    }
  }
  if (!connectParamsValidator.check(params)) {
    const issue = connectParamsValidator.issues(params, 1)[0];
    return new RejectedFrame(
      frame.id,
      gatewayError(
        'INVALID_REQUEST',
        'PARAMS_INVALID',
        `invalid connect params at ${issue?.path ?? '/'}: ${issue?.message ?? 'invalid'}`,
        {
          details: { path: issue?.path ?? '/', reason: issue?.message ?? 'invalid' },
        },
      ),
    );
  }
  return { id: frame.id, params };
}

function requestIdOf(frame: unknown): string | null {
  if (frame && typeof frame === 'object' && 'id' in frame) {
    const id = (frame as { id: unknown }).id;
    if (typeof id === 'string' && id.length > 0 && id.length <= 128) return id;
  }
  return null;
}

function invalidFrameError(frame: unknown): GatewayError {
  const issue = requestFrameValidator.issues(frame, 1)[0];
  const path = issue?.path ?? '/';
  return gatewayError(
    'INVALID_REQUEST',
    'FRAME_INVALID',
    `invalid request frame at ${path}: ${issue?.message ?? 'invalid'}`,
    {
      details: { path, reason: issue?.message ?? 'invalid' },
    },
  );
}
