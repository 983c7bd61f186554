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

export const DEFAULT_WA_WEBSOCKET_URL = 'wss://web.whatsapp.com/ws/chat';

function ms(v: unknown, fallback: number, key: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${key} must be a number ≥ 0`);
  return v;
}

/** Nothing is required: an account links by QR. Malformed values are errors. */
export function parseWhatsAppConfig(raw: Record<string, unknown>, _accountId: string): WhatsAppAccountConfig {
  let authDir: string | undefined;
  if (raw.authDir !== undefined) {
    if (typeof raw.authDir !== 'string' || !raw.authDir.trim()) throw new Error('authDir must be a path');
    authDir = raw.authDir.trim();
  }
  const url = raw.waWebSocketUrl ?? DEFAULT_WA_WEBSOCKET_URL;
  if (typeof url !== 'string' || !/^wss?:\/\/[^/]/i.test(url))
    throw new Error('waWebSocketUrl must be a ws:// or wss:// URL');
  const browser = raw.browser ?? 'OpenClaw';
  if (typeof browser !== 'string' || !browser.trim() || browser.length > 50)
    throw new Error('browser must be a short name (what the phone shows under Linked devices)');
  let version: [number, number, number] | undefined;
  if (raw.version !== undefined) {
    const v = raw.version;
    if (!Array.isArray(v) || v.length !== 3 || !v.every((n) => Number.isInteger(n) && n >= 0))
      throw new Error('version must be three integers, e.g. [2, 3000, 1019707846]');
    version = [v[0], v[1], v[2]];
  }
  return {
    authDir,
    waWebSocketUrl: url,
    browser: browser.trim(),
    version,
    connectTimeoutMs: ms(raw.connectTimeoutMs, 20_000, 'connectTimeoutMs'),
    qrTimeoutMs: raw.qrTimeoutMs === undefined ? undefined : ms(raw.qrTimeoutMs, 0, 'qrTimeoutMs'),
    rateLimitRetryMs: ms(raw.rateLimitRetryMs, 30_000, 'rateLimitRetryMs'),
    offlineMaxAgeMs: ms(raw.offlineMaxAgeMs, 60 * 60_000, 'offlineMaxAgeMs'),
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
