import type { WithDefaults } from '@openclaw/gateway-core/channel';
import type { WhatsAppConfigInput } from './config-schema.ts';

export interface WhatsAppAccountConfig {
  /** Where the linked device's credentials live; `<stateDir>/auth` when absent. */
  authDir?: string | undefined;
  /** WhatsApp Web's socket; tests point it at a fake. */
  waWebSocketUrl: string;
  /** The name the phone lists under Linked devices. */
  browser: string;
  /** WhatsApp Web version to announce; Baileys' bundled one when absent (never fetched at run time). */
  version?: [number, number, number] | undefined;
  /** Handshake and login must finish within this. */
  connectTimeoutMs: number;
  /** Lifetime of each QR; WhatsApp's own rhythm (60 s, then 20 s each) when absent. */
  qrTimeoutMs?: number | undefined;
  /**
   * How long the core waits before retrying a send WhatsApp answered with `rate-overlimit` (429).
   * WhatsApp gives no retry-after, and pushing on risks a ban, so the default is long.
   */
  rateLimitRetryMs: number;
  /**
   * Messages queued while the gateway was offline arrive as Baileys `append` upserts; those up to this
   * age are taken, older ones skipped (0 takes none).
   */
  offlineMaxAgeMs: number;
}

/** The checked `channels.whatsapp` account → the adapter's config. Nothing is required: an account links by QR. */
export function resolveWhatsAppConfig(
  c: WithDefaults<
    WhatsAppConfigInput,
    'waWebSocketUrl' | 'browser' | 'connectTimeoutMs' | 'rateLimitRetryMs' | 'offlineMaxAgeMs'
  >,
): WhatsAppAccountConfig {
  const [a, b, d] = c.version ?? [];
  return {
    authDir: c.authDir?.trim(),
    waWebSocketUrl: c.waWebSocketUrl,
    browser: c.browser.trim(),
    version: c.version ? [a!, b!, d!] : undefined,
    connectTimeoutMs: c.connectTimeoutMs,
    qrTimeoutMs: c.qrTimeoutMs,
    rateLimitRetryMs: c.rateLimitRetryMs,
    offlineMaxAgeMs: c.offlineMaxAgeMs,
  };
}

/**
 * An allowFrom entry as the core stores sender ids: the phone number's digits. People paste
 * `+1 555-000-1`, `whatsapp:+15550001` or a full jid (`15550001@s.whatsapp.net`, `15550001:3@…`).
 */
export function normalizeWhatsAppId(entry: string): string {
  const s = entry.trim().replace(/^(whatsapp|wa):/i, '');
  if (s.includes('@')) return (s.split('@')[0] ?? '').split(':')[0] ?? '';
  if (/^\+?[\d\s().-]+$/.test(s)) return s.replace(/[^\d]/g, '');
  return s;
}
