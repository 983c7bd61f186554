import type { ChannelLogger, WebhookRegistrar } from '@openclaw/gateway-core/channel';
import type { SlackMessageEvent } from './normalize.ts';
import { verifySlackSignature } from './signature.ts';

/** An Events API `event_callback`, the same whether it came over HTTP or inside a Socket Mode envelope. */
export interface EventCallback {
  type: 'event_callback';
  event_id?: string;
  /** The workspace the event happened in (what a binding's `teamId` names). */
  team_id?: string;
  event: SlackMessageEvent;
}

type Handler = Parameters<WebhookRegistrar>[1];

export interface EventsHttpOptions {
  signingSecret: string;
  /** Take one callback; resolves once the core accepted it, rejects if it could not. */
  onCallback(callback: EventCallback): Promise<void>;
  log: ChannelLogger;
  /**
   * How long to wait for onCallback before answering 200 regardless. Slack retries a request not
   * answered in 3 s; within the budget a failure answers 500 so Slack's retry redelivers it.
   */
  budgetMs?: number;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The Events API request handler: verify, answer url_verification, hand callbacks on, answer fast. */
export function eventsHttpHandler(o: EventsHttpOptions): Handler {
  const budgetMs = o.budgetMs ?? 2000;
  return async (req) => {
    const bad = verifySlackSignature(o.signingSecret, req.headers, req.body);
    if (bad) {
      o.log.warn({ reason: bad }, 'slack: Events API request rejected');
      return { status: 401, body: { ok: false, error: bad } };
    }
    const raw = req.body.toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      // Slack's certificate check arrives form-encoded and only wants a 200.
      if (new URLSearchParams(raw).get('ssl_check') === '1') return { status: 200 };
      return { status: 400, body: { ok: false, error: 'invalid JSON' } };
    }
    if (!isObj(body)) return { status: 400, body: { ok: false, error: 'not an object' } };
    if (body.type === 'url_verification') return { status: 200, body: { challenge: body.challenge } };
    if (body.type !== 'event_callback' || !isObj(body.event)) {
      o.log.debug({ type: body.type }, 'slack: Events API request ignored');
      return { status: 200, body: { ok: true } };
    }
    const work = o.onCallback(body as unknown as EventCallback);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), budgetMs)));
    try {
      const outcome = await Promise.race([work.then(() => 'done' as const), late]);
      if (outcome === 'late') {
        work.catch((error: unknown) => o.log.error({ err: error }, 'slack: inbound event failed after 200'));
      }
      return { status: 200, body: { ok: true } };
    } catch (error) {
      o.log.error({ err: error }, 'slack: inbound event failed; Slack will retry');
      return { status: 500, body: { ok: false } };
    } finally {
      clearTimeout(timer);
    }
  };
}
