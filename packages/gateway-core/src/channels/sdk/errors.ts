/** The platform asked us to slow down. The core retries after `retryAfterMs` (capped). */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly code = 'CHANNEL_RATE_LIMITED';
  readonly retryAfterMs: number;
  /** Extra detail an operator must act on (Signal's captcha challenge). */
  readonly challenge: string | undefined;
  constructor(retryAfterMs: number, message = 'rate limited by the platform', challenge?: string) {
    super(message);
    this.retryAfterMs = retryAfterMs;
    this.challenge = challenge;
  }
}

/** A send that can never succeed as is (chat not found, bot blocked, message invalid). Not retried. */
export class PermanentSendError extends Error {
  override name = 'PermanentSendError';
  readonly code = 'CHANNEL_SEND_REJECTED';
}

/**
 * A connection failure retrying will not fix (bad token, another poller owns the bot, logged
 * out). The supervisor stops and shows `action` to operators instead of looping.
 */
export class NonRetryableChannelError extends Error {
  override name = 'NonRetryableChannelError';
  readonly code: string;
  readonly action: string;
  readonly state: 'failed' | 'needs-action';
  constructor(
    code: string,
    message: string,
    action: string,
    state: 'failed' | 'needs-action' = 'needs-action',
  ) {
    super(message);
    this.code = code;
    this.action = action;
    this.state = state;
  }
}

/**
 * An account's config is invalid: its schema refused it, or it breaks a rule the schema cannot
 * express (a webhook secret needed in webhook mode). `key` is the dotted key inside the account
 * (the core prefixes the account's path). The reason must not contain the value: it may be a secret.
 */
export class AccountConfigError extends Error {
  override name = 'AccountConfigError';
  readonly code = 'CHANNEL_CONFIG_INVALID';
  readonly key: string;
  readonly reason: string;
  constructor(key: string, reason: string) {
    super(key ? `${key}: ${reason}` : reason);
    this.key = key;
    this.reason = reason;
  }
}
