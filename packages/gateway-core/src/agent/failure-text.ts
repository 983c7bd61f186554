import type { FailureReason } from '../store/types.ts';

/**
 * The reason a failed model call's own words give, where no HTTP status does (an error event
 * inside the stream, a cut connection, a provider's error code): a subset of the reference's
 * patterns, for its common cases, in its order (the model, the context, billing, rate limits,
 * overload, the key, then timeouts and network failures). Its server-error words ("bad
 * gateway", "internal server error" without a status) count as a timeout, as there.
 */
const TEXT_RULES: readonly (readonly [FailureReason, RegExp])[] = [
  [
    'model_not_found',
    /model[_ -]?not[_ -]?found|\bmodel\b.{0,60}?\b(?:not found|does not exist)\b|unknown model|no endpoints found for|invalid model(?! reference)/i,
  ],
  [
    'context_overflow',
    /context[_ ]length[_ ]exceeded|maximum context length|prompt is too long|request[_ ]too[_ ]large|context (?:window|length) (?:exceeded|is too)|exceeds? (?:the )?(?:model'?s? )?context (?:window|length)|context overflow/i,
  ],
  [
    'billing',
    /payment required|insufficient[_ ](?:quota|credits?|balance)|exceeded your current quota|credit balance|spend(?:ing)? limit|out of budget|requires? more credits/i,
  ],
  [
    'rate_limit',
    /rate[_ -]?limit|too many (?:concurrent )?requests|resource[_ -]?has[_ -]?been[_ -]?exhausted|resource[_ -]?exhausted|quota[_ -]?exceeded|\bthrottl(?:ed|ing)\b|tokens per (?:minute|day)|\b(?:https?|status(?:[ _-]?code)?|code)\b[\s:=#"'(]{0,6}429\b|^\s*429\b/i,
  ],
  [
    'overloaded',
    /overloaded|high demand|\bmodel (?:is )?at capacity\b|capacity exceeded|service[_ ](?:temporarily[_ ])?unavailable|\b(?:https?|status(?:[ _-]?code)?|code)\b[\s:=#"'(]{0,6}529\b|^\s*529\b/i,
  ],
  [
    'auth',
    /invalid[_ ]?api[_ ]?key|incorrect api key|api[_ ]?key (?:is )?(?:invalid|not valid)|unauthori[sz]ed|\bforbidden\b|access denied|permission[_ ]denied|authentication (?:failed|error)|\b(?:401|403)\b/i,
  ],
  [
    'timeout',
    /time[ -]?out|timed out|deadline exceeded|fetch failed|network (?:error|request failed)|connection (?:error|reset)|socket hang up|\bterminated\b|premature close|stream disconnected|\b(?:econn(?:refused|reset|aborted)|enet(?:unreach|reset|down)|ehost(?:unreach|down)|e(?:socket)?timedout|epipe|enotfound|eai_again|und_err_\w+)\b|internal server error|bad gateway|upstream (?:connect )?error/i,
  ],
];

/** A provider's error code or type (`rate_limit_exceeded`, `overloaded_error`, `ECONNRESET` …). */
const CODE_RULES: readonly (readonly [FailureReason, RegExp])[] = [
  [
    'rate_limit',
    /^(?:rate_?limit(?:ed|_exceeded|_error)?|too_many_requests|resource_exhausted|throttl\w*)$/i,
  ],
  ['overloaded', /^overloaded(?:_error)?$/i],
  ['billing', /^insufficient_(?:quota|credits|balance)$/i],
  ['context_overflow', /^(?:context_length_exceeded|request_too_large)$/i],
  ['model_not_found', /^model_not_found$/i],
  ['auth', /^(?:invalid_api_key|authentication_error|permission_error|unauthorized)$/i],
  ['server_error', /^(?:server_error|upstream_error|api_error)$/i],
  [
    'timeout',
    /^(?:econn(?:refused|reset|aborted)|enet(?:unreach|reset|down)|ehost(?:unreach|down)|etimedout|esockettimedout|epipe|enotfound|eai_again|err_stream_premature_close|und_err_\w+)$/i,
  ],
];

/** The reason an error's words give (undefined when none of the patterns above says). */
export function reasonOfText(text: string): FailureReason | undefined {
  if (!text) return undefined;
  return TEXT_RULES.find(([, re]) => re.test(text))?.[0];
}

/** The reason a provider's error code or type gives, or a network error's code. */
export function reasonOfCode(code: string | undefined): FailureReason | undefined {
  const c = code?.trim();
  if (!c) return undefined;
  return CODE_RULES.find(([, re]) => re.test(c))?.[0];
}

/** The reason of a failure with no HTTP status: its words first (as the reference), then its codes. */
export function reasonOfWords(
  text: string,
  codes: readonly (string | undefined)[],
): FailureReason | undefined {
  return reasonOfText(text) ?? codes.map(reasonOfCode).find((r) => r !== undefined);
}
