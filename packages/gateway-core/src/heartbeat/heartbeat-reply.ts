/** The legacy acknowledgement the reference still accepts from custom prompts. */
export const HEARTBEAT_TOKEN = 'HEARTBEAT_OK';
/** The silent reply of the default prompt. */
export const SILENT_TOKEN = 'NO_REPLY';
/** What may be left beside a HEARTBEAT_OK at the start or end for the reply to still be an ack. */
export const ACK_MAX_CHARS = 300;

export type HeartbeatReply =
  | { status: 'ok-empty' }
  | { status: 'ok-token' }
  | { status: 'sent'; text: string };

/** Markup a model may wrap a token in (`**HEARTBEAT_OK**`, `<b>NO_REPLY</b>`). */
const bare = (s: string) =>
  s
    .replace(/<[^>]*>/g, ' ')
    .replace(/^[\s*`~_]+|[\s*`~_.!]+$/g, '')
    .trim();

/**
 * What a heartbeat reply means: nothing, an acknowledgement (NO_REPLY, or HEARTBEAT_OK at the start
 * or end with at most 300 characters left), or an alert to deliver (without an edge token).
 */
export function classifyHeartbeatReply(output: string | undefined): HeartbeatReply {
  const text = output?.trim() ?? '';
  if (!text) return { status: 'ok-empty' };
  if (bare(text) === SILENT_TOKEN) return { status: 'ok-token' };
  const b = bare(text);
  let rest: string | undefined;
  if (b.startsWith(HEARTBEAT_TOKEN)) rest = b.slice(HEARTBEAT_TOKEN.length);
  else if (b.endsWith(HEARTBEAT_TOKEN)) rest = b.slice(0, -HEARTBEAT_TOKEN.length);
  if (rest === undefined) return { status: 'sent', text };
  rest = bare(rest);
  if (rest.length <= ACK_MAX_CHARS) return { status: 'ok-token' };
  return { status: 'sent', text: rest };
}
