import { type DetailCode, fromUnknown, GatewayError, gatewayError } from '@openclaw/protocol';
import type { Logger } from '../logging/logger.ts';
import { CoreError, type CoreErrorCode } from './core-error.ts';

type Answer<C extends CoreErrorCode = CoreErrorCode> = (error: CoreError<C>, what: string) => GatewayError;

const invalid = <C extends CoreErrorCode & DetailCode>(e: CoreError<C>) =>
  gatewayError('INVALID_REQUEST', e.code, e.message);

/** How each internal reason is answered on the wire. */
const answers: { readonly [C in CoreErrorCode]: Answer<C> } = {
  STORE_FAILING: (e, what) =>
    gatewayError(
      'UNAVAILABLE',
      'STORE_FAILING',
      `${what}: the gateway's database cannot take writes now (${String(e.details?.reason)}); nothing was stored, retry later`,
      { retryable: true, retryAfterMs: 5000, details: { ...e.details } },
    ),
  // The shared store is down (a cluster without Redis): retryable, not a bug.
  STORE_UNAVAILABLE: (_e, what) =>
    gatewayError(
      'UNAVAILABLE',
      'CLUSTER_UNAVAILABLE',
      `${what} needs the shared store, which is unreachable; retry shortly`,
      { retryable: true, retryAfterMs: 1000 },
    ),
  // The reference's code and words for it, by which its CLI tells a missing job (then looks the
  // argument up as a job name: `cron show <name>`).
  CRON_JOB_UNKNOWN: (e) => gatewayError('INVALID_REQUEST', 'CRON_JOB_UNKNOWN', e.message),
  CRON_SCHEDULE_INVALID: invalid,
  CRON_FIELD_UNSUPPORTED: (e) =>
    gatewayError('INVALID_REQUEST', 'CRON_FIELD_UNSUPPORTED', e.message, { details: { ...e.details } }),
  OUTBOX_CLOSED: invalid,
  CHANNEL_UNKNOWN: invalid,
  SEND_EMPTY: invalid,
  MEDIA_UNSUPPORTED: invalid,
  MEDIA_KIND_UNSUPPORTED: invalid,
  MEDIA_TOO_LARGE: invalid,
  MEDIA_NOT_FOUND: invalid,
  MEDIA_ID_INVALID: invalid,
  // Full of media still waiting to be sent: room comes back as sends go out.
  MEDIA_STORE_FULL: (e) => gatewayError('UNAVAILABLE', 'MEDIA_STORE_FULL', e.message, { retryable: true }),
  ACTION_UNSUPPORTED: (e) =>
    gatewayError('INVALID_REQUEST', 'ACTION_UNSUPPORTED', e.message, { details: { ...e.details } }),
  ACTION_REJECTED: (e) =>
    gatewayError('INVALID_REQUEST', 'ACTION_REJECTED', e.message, { details: { ...e.details } }),
  CHANNEL_NOT_RUNNING: (e) =>
    gatewayError('UNAVAILABLE', 'CHANNEL_NOT_RUNNING', e.message, {
      retryable: true,
      details: { ...e.details },
    }),
};

/**
 * The one place a throw becomes a wire error, for requests and for connect alike (`what` names
 * the method). A GatewayError passes through; a CoreError is answered by its code; anything else
 * is INTERNAL. With a logger, what is not the caller's fault is logged: bugs as errors, a store
 * that cannot serve as a warning.
 */
export function toGatewayError(error: unknown, what: string, log?: Logger): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof CoreError) {
    const code: CoreErrorCode = error.code;
    if (code === 'STORE_FAILING' || code === 'STORE_UNAVAILABLE')
      log?.warn({ method: what, code, reason: error.message }, 'store cannot serve the request');
    return (answers[code] as Answer)(error, what);
  }
  log?.error({ err: error, method: what }, 'handler failed');
  return fromUnknown(error, `${what} failed unexpectedly`);
}
