import { createHash, timingSafeEqual } from 'node:crypto';
import type { WebhookRegistrar } from '@openclaw/gateway-core/channel';
import type { BbMessage } from './normalize.ts';

type Handler = Parameters<WebhookRegistrar>[1];

/**
 * What a registrar hands the route. `url` (path and query as received) is not part of the core's
 * type today: a registrar that passes it lets BlueBubbles carry the secret as `?secret=`, which is
 * the only place BlueBubbles can put it (it posts with no custom headers).
 */
export type WebhookRequest = Parameters<Handler>[0];

export type DeliveryOutcome = 'emitted' | 'duplicate' | 'ignored';

/** Header a reverse proxy in front of the gateway can set instead of `?secret=`. */
export const SECRET_HEADER = 'x-webhook-secret';

/** Compare through fixed-length digests so neither length nor content leaks through timing. */
export function secretMatches(got: string | undefined, want: string): boolean {
  if (got === undefined || want.length === 0) return false;
  const a = createHash('sha256').update(got).digest();
  const b = createHash('sha256').update(want).digest();
  return timingSafeEqual(a, b);
}

function header(req: WebhookRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** The secret the caller presented: the header, `Authorization: Bearer …`, or `?secret=`. */
export function presentedSecret(req: WebhookRequest): string | undefined {
  const h = header(req, SECRET_HEADER);
  if (h) return h;
  const auth = header(req, 'authorization');
  const bearer = auth ? /^Bearer\s+(\S+)$/i.exec(auth)?.[1] : undefined;
  if (bearer) return bearer;
  if (typeof req.url === 'string' && req.url.includes('?')) {
    const q = new URLSearchParams(req.url.slice(req.url.indexOf('?') + 1)).get('secret');
    if (q) return q;
  }
  return undefined;
}

/**
 * The route BlueBubbles posts `{type, data}` to. Only `new-message` carries messages; every other
 * event (updated-message, typing-indicator, group-name-change, …) is acknowledged and dropped.
 * 200 means "taken (or a duplicate)"; a failed hand-off answers 500 so a retry can get through.
 */
export function webhookHandler(
  secret: string,
  deliver: (m: BbMessage) => Promise<DeliveryOutcome>,
): (req: WebhookRequest) => ReturnType<Handler> {
  return async (req) => {
    if (!secretMatches(presentedSecret(req), secret)) return { status: 401, body: { ok: false } };
    let event: { type?: unknown; data?: unknown };
    try {
      event = JSON.parse(req.body.toString('utf8')) as typeof event;
    } catch {
      return { status: 400, body: { ok: false, error: 'invalid JSON' } };
    }
    if (typeof event !== 'object' || event === null || typeof event.type !== 'string')
      return { status: 400, body: { ok: false, error: 'expected {type, data}' } };
    if (event.type !== 'new-message') return { status: 200, body: { ok: true, ignored: event.type } };
    const data = event.data as BbMessage | undefined;
    if (typeof data !== 'object' || data === null || typeof data.guid !== 'string')
      return { status: 400, body: { ok: false, error: 'new-message without a message guid' } };
    try {
      const outcome = await deliver(data);
      return { status: 200, body: { ok: true, [outcome]: true } };
    } catch {
      return { status: 500, body: { ok: false, error: 'could not accept the message' } };
    }
  };
}
