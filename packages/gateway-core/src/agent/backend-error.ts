import { REDACTED } from '@openclaw/protocol';

/** A model failure, with a message an operator can act on and whether another model may do better. */
export class BackendError extends Error {
  override name = 'BackendError';
  readonly code: string;
  readonly status: number | undefined;
  /** Rate limiting, a server error or an unreachable server: the next configured model is tried. */
  readonly retryable: boolean;
  /** `cause`: what the provider or the network failed with (its code and words give a reason). */
  constructor(
    code: string,
    message: string,
    options: { status?: number; retryable?: boolean; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.retryable = options.retryable ?? false;
  }
}

/** `text` without the password of `url` (fetch's own errors may quote the whole URL). */
export function withoutUrlPassword(text: string, url: string): string {
  let password = '';
  try {
    password = new URL(url).password;
  } catch {
    return text;
  }
  if (!password) return text;
  let out = text.split(password).join(REDACTED);
  try {
    out = out.split(decodeURIComponent(password)).join(REDACTED);
  } catch {
    // a malformed escape: the encoded form is gone already
  }
  return out;
}
