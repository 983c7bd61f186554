import {
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
} from '@openclaw/gateway-core/channel';
import { ErrorCode } from '@slack/web-api';

/** Slack's `error` string from a `{ok:false}` answer, if this is one. */
export function platformError(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | null;
  return e?.code === ErrorCode.PlatformError && typeof e.data?.error === 'string' ? e.data.error : undefined;
}

/** Seconds from a WebAPIRateLimitedError, or from the Retry-After Slack put on a `ratelimited` answer. */
function retryAfterSeconds(error: unknown): number | undefined {
  const e = error as {
    code?: unknown;
    retryAfter?: unknown;
    data?: { response_metadata?: { retryAfter?: unknown } };
  } | null;
  if (e?.code === ErrorCode.RateLimitedError && typeof e.retryAfter === 'number') return e.retryAfter;
  if (platformError(error) === 'ratelimited') {
    const s = e?.data?.response_metadata?.retryAfter;
    return typeof s === 'number' ? s : 1;
  }
  return undefined;
}

/** The token is dead or wrong: retrying with the same config cannot help. */
const AUTH_ERRORS = new Set([
  'invalid_auth',
  'not_authed',
  'account_inactive',
  'token_revoked',
  'token_expired',
  'team_disabled',
  'not_allowed_token_type',
]);

/** The message can never go out as is; retrying only delays the failure. */
const PERMANENT_SEND_ERRORS = new Set([
  'channel_not_found',
  'not_in_channel',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'restricted_action',
  'cannot_dm_bot',
  'invalid_name',
  // chat.update / chat.delete of a message that is gone, or not ours
  'message_not_found',
  'cant_update_message',
  'cant_delete_message',
  'edit_window_closed',
]);

const asError = (error: unknown): Error => (error instanceof Error ? error : new Error(String(error)));

/**
 * A failure while connecting (auth.test, apps.connections.open) → the supervisor's kinds:
 * bad credentials stop the account with an action; everything else (network, 5xx, 429) retries.
 */
export function classifyStartError(
  error: unknown,
  which: 'botToken' | 'appToken',
  configPath: string,
): Error {
  const code = platformError(error);
  if (code && AUTH_ERRORS.has(code)) {
    const what =
      which === 'botToken'
        ? 'the Bot User OAuth Token (xoxb-…, OAuth & Permissions page of your Slack app)'
        : 'the app-level token (xapp-…, Basic Information → App-Level Tokens, scope connections:write)';
    return new NonRetryableChannelError(
      'SLACK_AUTH_FAILED',
      `Slack rejected the ${which} (${code})`,
      `check ${configPath}.${which}: it must be ${what}, and the app must still be installed in the workspace; then run: openclaw channels start slack`,
    );
  }
  const seconds = retryAfterSeconds(error);
  if (seconds !== undefined) return new Error(`Slack rate-limited the connection (retry after ${seconds}s)`);
  return asError(error);
}

/** A failure while sending or reacting → RateLimitedError, PermanentSendError, or the error itself (transient). */
export function classifySendError(error: unknown): Error {
  const seconds = retryAfterSeconds(error);
  if (seconds !== undefined)
    return new RateLimitedError(seconds * 1000, `Slack rate limit (retry after ${seconds}s)`);
  const code = platformError(error);
  if (code && PERMANENT_SEND_ERRORS.has(code))
    return new PermanentSendError(`Slack refused the message: ${code}`);
  // A revoked token while sending is the supervisor's business (it sees it on reconnect); the send may retry.
  return asError(error);
}
