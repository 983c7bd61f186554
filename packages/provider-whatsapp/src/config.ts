import { checkAccountConfig } from '@openclaw/gateway-core/channel';
import { DEFAULT_WA_WEBSOCKET_URL, whatsappConfigSchema } from './config-schema.ts';

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

/** Nothing is required: an account links by QR. Malformed values are errors. */
export function parseWhatsAppConfig(raw: Record<string, unknown>, _accountId: string): WhatsAppAccountConfig {
  const c = checkAccountConfig(whatsappConfigSchema, raw);
  const [a, b, d] = c.version ?? [];
  return {
    authDir: c.authDir?.trim(),
    waWebSocketUrl: c.waWebSocketUrl ?? DEFAULT_WA_WEBSOCKET_URL,
    browser: (c.browser ?? 'OpenClaw').trim(),
    version: c.version ? [a!, b!, d!] : undefined,
    connectTimeoutMs: c.connectTimeoutMs ?? 20_000,
    qrTimeoutMs: c.qrTimeoutMs,
    rateLimitRetryMs: c.rateLimitRetryMs ?? 30_000,
    offlineMaxAgeMs: c.offlineMaxAgeMs ?? 60 * 60_000,
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
