// Errors become operator-facing text (status, /readyz, doctor): one line, with the reason a wrapped
// network error hides in its cause, and without the account's own secrets.
import { secretValues } from '@openclaw/protocol';
import type { ChannelProvider } from './sdk/types.ts';

const MAX_CHARS = 1000;

/**
 * The secrets of one account's resolved config, as its provider's schema marks them (never
 * guessed from key names), longest first so a token inside a longer secret cannot leave a tail.
 */
export function accountSecrets(provider: Pick<ChannelProvider, 'configSchema'>, config: unknown): string[] {
  // Short values would mask ordinary words; no real credential is that short.
  return [...new Set(secretValues(provider.configSchema, config))]
    .filter((v) => v.length >= 6)
    .sort((a, b) => b.length - a.length);
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const parts: string[] = [];
  const add = (text: string | undefined) => {
    if (text && !parts.some((p) => p.includes(text))) parts.push(text);
  };
  add(error.message || error.name);
  // fetch (undici) says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in the cause.
  let cause: unknown = error.cause;
  for (let depth = 0; cause && depth < 3; depth++) {
    if (cause instanceof AggregateError)
      for (const e of cause.errors) add(e instanceof Error ? e.message : '');
    add(cause instanceof Error ? cause.message || String((cause as { code?: unknown }).code ?? '') : '');
    cause = cause instanceof Error ? cause.cause : undefined;
  }
  if (error instanceof AggregateError) for (const e of error.errors) add(e instanceof Error ? e.message : '');
  return parts.join(': ') || error.name;
}

/** An error as one line for operators: causes included, `secrets` and URL credentials masked. */
export function errorText(error: unknown, secrets: readonly string[] = []): string {
  let text = describe(error).replace(/\s+/g, ' ').trim();
  for (const s of secrets) if (text.includes(s)) text = text.replaceAll(s, '[redacted]');
  text = text
    .replace(/(\/\/)[^/\s:@]+:[^/\s@]+@/g, '$1[redacted]@')
    .replace(/([?&](?:password|token|secret|key|access_token)=)[^&\s]+/gi, '$1[redacted]');
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS)}…` : text;
}
