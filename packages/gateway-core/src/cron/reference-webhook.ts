import { gatewayError } from '@openclaw/protocol';
import type { CronJobRecord } from '../store/types.ts';
import { CronError } from './cron-error.ts';
import { parseWebhookUrl, redactWebhookUrl } from './webhook-target.ts';

type AgentAction = Extract<CronJobRecord['action'], { kind: 'agent' }>;
type Delivery = { mode?: string; to?: unknown; channel?: unknown; accountId?: unknown; threadId?: unknown };

/**
 * The reference's `delivery: {mode: "webhook", to: <url>}`: the finished run's result is POSTed
 * to the URL. A chat target beside it is refused (the reference CLI refuses it too).
 */
export function applyWebhookDelivery(action: AgentAction, d: Delivery, at: string): void {
  for (const f of ['channel', 'accountId', 'threadId'] as const)
    if (d[f] !== undefined)
      throw new CronError(
        'CRON_FIELD_UNSUPPORTED',
        `${at}/delivery/${f}: a webhook job posts, not to a chat`,
        {
          details: { path: `${at}/delivery/${f}`, value: d[f] },
        },
      );
  action.webhook = checkedWebhookUrl(d.to, `${at}/delivery/to`);
}

/** A webhook URL a job may store: http(s), without credentials in it. */
export function checkedWebhookUrl(raw: unknown, path: string): string {
  const url = typeof raw === 'string' ? parseWebhookUrl(raw) : 'missing';
  if (typeof url === 'string')
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      `webhook delivery needs to: an http(s) URL (${url})`,
      {
        details: { path, reason: url },
      },
    );
  return String(raw).trim();
}

/** An agent action of our layout with a webhook: it posts, so it names no chat to deliver to. */
export function checkWebhookAction(action: AgentAction): void {
  if (action.webhook === undefined) return;
  checkedWebhookUrl(action.webhook, '/action/webhook');
  if (action.deliver || action.channel || action.to)
    throw gatewayError(
      'INVALID_REQUEST',
      'PARAMS_INVALID',
      'an agent action posts to its webhook or delivers to a chat, not both',
      { details: { path: '/action/webhook' } },
    );
}

/**
 * What a delivery patch is laid over: the stored delivery, except that turning delivery off, or
 * changing to or from webhook, forgets the stored target (a chat is no URL, and a URL no chat).
 */
export function deliveryPatchBase(
  patch: { mode?: string | undefined } | undefined,
  stored: { mode: string } | undefined,
): object {
  if (!stored || patch?.mode === 'none') return {};
  if (patch?.mode !== undefined && (patch.mode === 'webhook') !== (stored.mode === 'webhook')) return {};
  return stored;
}

/** The reference view's delivery of a webhook job, and the CLI's Delivery column for it. */
export function webhookView(a: AgentAction): { mode: 'webhook'; to: string } | undefined {
  return a.webhook ? { mode: 'webhook', to: a.webhook } : undefined;
}

export function webhookPreview(a: {
  webhook?: string | undefined;
}): { label: string; detail: string } | undefined {
  return a.webhook
    ? { label: `webhook -> ${redactWebhookUrl(a.webhook)}`, detail: "the finished run's result is POSTed" }
    : undefined;
}
