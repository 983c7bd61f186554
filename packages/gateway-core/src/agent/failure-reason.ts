import { APICallError, RetryError } from 'ai';
import type { FailureReason } from '../store/types.ts';
import { BackendError } from './backend-error.ts';
import { reasonOfWords } from './failure-text.ts';

export type { FailureReason };

// A 429 that is really an empty account, not a passing limit (a subset of the reference's list).
const BILLING =
  /insufficient[_ ](?:quota|credits|balance)|payment required|credit balance|spend(?:ing)? limit/i;
const OVERLOADED = /overloaded|high demand|capacity exceeded/i;

/**
 * The reason of a failed model call, from what the provider answered (the reference's mapping of
 * HTTP statuses): 429 a rate limit (unless it says the account is out of credit), 401/403 the key,
 * 402 billing, 400/422 the request, 404 the model, 408/410 and the gateway timeouts (499, 504,
 * 522, 524) a timeout, 529 an overloaded provider, other 5xx a server error (overloaded when it
 * says so). A request that got no answer (refused, reset, unresolvable) counts as a timeout, as
 * the reference counts network failures. With no status (an error event inside the stream, a
 * failure of the transport), the error's words and codes give it (failure-text.ts); they never
 * override a status. Undefined when nothing says (a configuration error, say).
 */
export function failureReasonOf(error: unknown): FailureReason | undefined {
  // The SDK's own retries end in a RetryError around the last failure: that failure decides.
  if (RetryError.isInstance(error) && error.lastError !== undefined) return failureReasonOf(error.lastError);
  const message = error instanceof Error ? error.message : '';
  if (error instanceof BackendError) {
    if (error.status !== undefined) return reasonOfStatus(error.status, message);
    if (error.code === 'BACKEND_UNREACHABLE') return 'timeout';
    // What the provider said (its own words, not ours around them), else our message.
    return error.cause !== undefined ? failureReasonOf(error.cause) : reasonOfWords(message, []);
  }
  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) return 'timeout';
    return reasonOfStatus(error.statusCode, `${message} ${error.responseBody ?? ''}`);
  }
  return reasonOfSignal(error);
}

/** A failure with no status: an Error (its code, its cause's) or a provider's error object. */
function reasonOfSignal(error: unknown): FailureReason | undefined {
  if (typeof error !== 'object' || error === null)
    return typeof error === 'string' ? reasonOfWords(error, []) : undefined;
  const e = error as {
    message?: unknown;
    code?: unknown;
    type?: unknown;
    cause?: { code?: unknown; message?: unknown };
    error?: { message?: unknown; code?: unknown; type?: unknown };
  };
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  const text = [str(e.message), str(e.error?.message), str(e.cause?.message)].filter(Boolean).join(' ');
  return reasonOfWords(text, [
    str(e.code),
    str(e.error?.code),
    str(e.cause?.code),
    str(e.type),
    str(e.error?.type),
  ]);
}

/** The reason an HTTP status gives a failed call (`text`: what the server said with it). */
export function reasonOfStatus(status: number, text = ''): FailureReason | undefined {
  if (status === 429) return BILLING.test(text) ? 'billing' : 'rate_limit';
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'billing';
  if (status === 408 || status === 410) return 'timeout';
  if (status === 404) return 'model_not_found';
  if (status === 529) return 'overloaded';
  if (status === 499 || status === 504 || status === 522 || status === 524) return 'timeout';
  if (status >= 500 && status < 600) return OVERLOADED.test(text) ? 'overloaded' : 'server_error';
  if (status === 400 || status === 422) return 'format';
  return undefined;
}
