import { redactUrlPassword } from '@openclaw/protocol';
import { APICallError, RetryError } from 'ai';
import { BackendError, withoutUrlPassword } from './backend-error.ts';

function detailOf(body: string | undefined, fallback: string): string {
  if (!body) return fallback;
  try {
    const j = JSON.parse(body) as { error?: { message?: string } | string; message?: string };
    return (typeof j.error === 'string' ? j.error : (j.error?.message ?? j.message)) ?? fallback;
  } catch {
    return body.trim().slice(0, 2000) || fallback;
  }
}

/**
 * What an AI SDK failure means for the run: an HTTP answer (401/403 key, 404 model, 429 rate
 * limit, 5xx), an unreachable server, or a failure inside the stream.
 */
export function backendErrorOf(
  error: unknown,
  model: { ref: string; baseUrl?: string | undefined },
): BackendError {
  if (error instanceof BackendError) return error;
  // The SDK's own retries end in a RetryError around the last failure: judge that failure.
  if (RetryError.isInstance(error) && error.lastError !== undefined)
    return backendErrorOf(error.lastError, model);
  const base = model.baseUrl ?? '';
  if (APICallError.isInstance(error) && error.statusCode !== undefined) {
    const status = error.statusCode;
    const detail = detailOf(error.responseBody, '');
    const tail = detail ? `: ${detail}` : '';
    if (status === 401 || status === 403)
      return new BackendError('BACKEND_AUTH', `the model server rejected the API key (${status})${tail}`, {
        status,
      });
    if (status === 404)
      return new BackendError(
        'BACKEND_NOT_FOUND',
        `model "${model.ref}"${base ? ` or ${redactUrlPassword(base)}/chat/completions` : ''} not found (404)${tail}`,
        { status },
      );
    if (status === 429)
      return new BackendError('BACKEND_RATE_LIMITED', `the model server is rate limiting (429)${tail}`, {
        status,
        retryable: true,
      });
    return new BackendError('BACKEND_ERROR', `the model server answered ${status}${tail}`, {
      status,
      retryable: status >= 500 || status === 408,
    });
  }
  const e = error as { message?: string; cause?: { code?: string; message?: string } };
  if (APICallError.isInstance(error)) {
    // No status: the request never got an answer.
    const cause = e.cause?.code ?? e.cause?.message ?? e.message ?? 'unknown error';
    return new BackendError(
      'BACKEND_UNREACHABLE',
      withoutUrlPassword(`model server unreachable at ${redactUrlPassword(base)}: ${cause}`, base),
      { retryable: true, cause: error },
    );
  }
  // An error event inside an otherwise good stream: the provider hands over the server's error object.
  const message =
    typeof (error as { message?: unknown })?.message === 'string'
      ? (error as { message: string }).message
      : typeof error === 'object' && error !== null
        ? (((error as { error?: { message?: string } }).error?.message ?? JSON.stringify(error)) as string)
        : String(error);
  return new BackendError(
    'BACKEND_ERROR',
    withoutUrlPassword(`the model server failed mid-stream: ${message}`, base),
    { cause: error },
  );
}
