export type SignalReceiveMode = 'auto' | 'websocket' | 'poll';

export interface SignalAccountConfig {
  /** signal-cli-rest-api root, e.g. http://127.0.0.1:8080 (a test fake in tests). */
  baseUrl: string;
  /** The account registered or linked in signal-cli, E.164. */
  number: string;
  /** The account's own ACI (uuid), when known: lets mentions that carry only a uuid address the bot. */
  uuid?: string | undefined;
  /** auto asks GET /v1/about: json-rpc → websocket, anything else → poll. */
  receiveMode: SignalReceiveMode;
  /** Pause between empty polls in poll mode. */
  pollIntervalMs: number;
  /**
   * How long the core waits before retrying a send Signal rate-limited. Signal gives no retry-after:
   * the limit lifts when an operator solves the captcha challenge, so retrying sooner only burns quota.
   */
  rateLimitRetryMs: number;
}

const MODES: readonly SignalReceiveMode[] = ['auto', 'websocket', 'poll'];
const E164 = /^\+[1-9]\d{6,14}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A sender id as the core stores it: numbers without the spaces and dashes people paste, uuids in
 * lower case (signal-cli reports them that way), and no `signal:` / `uuid:` prefix.
 */
export function normalizeSignalId(entry: string): string {
  const s = entry.trim().replace(/^signal:/i, '');
  if (/^uuid:/i.test(s)) return s.slice(5).trim().toLowerCase();
  if (UUID.test(s)) return s.toLowerCase();
  if (/^\+?[\d\s().-]+$/.test(s)) return s.replace(/[\s().-]/g, '');
  return s;
}

function positiveMs(v: unknown, fallback: number, key: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${key} must be a number ≥ 0`);
  return v;
}

/** Missing baseUrl or number leaves the account unconfigured; malformed values are errors. */
export function parseSignalConfig(raw: Record<string, unknown>, _accountId: string): SignalAccountConfig {
  const baseUrl = typeof raw.baseUrl === 'string' ? raw.baseUrl.trim().replace(/\/+$/, '') : '';
  if (baseUrl && !/^https?:\/\/[^/]/i.test(baseUrl))
    throw new Error('baseUrl must be the http(s) URL of signal-cli-rest-api, e.g. http://127.0.0.1:8080');
  const number = typeof raw.number === 'string' ? normalizeSignalId(raw.number) : '';
  if (number && !E164.test(number))
    throw new Error('number must be the signal-cli account in E.164 form, e.g. +15551234567');
  const receiveMode = raw.receiveMode ?? 'auto';
  if (!MODES.includes(receiveMode as SignalReceiveMode))
    throw new Error(`receiveMode must be one of ${MODES.join(', ')}`);
  let uuid: string | undefined;
  if (raw.uuid !== undefined) {
    if (typeof raw.uuid !== 'string' || !UUID.test(raw.uuid.trim())) throw new Error('uuid must be a uuid');
    uuid = raw.uuid.trim().toLowerCase();
  }
  return {
    baseUrl,
    number,
    uuid,
    receiveMode: receiveMode as SignalReceiveMode,
    pollIntervalMs: positiveMs(raw.pollIntervalMs, 1000, 'pollIntervalMs'),
    rateLimitRetryMs: positiveMs(raw.rateLimitRetryMs, 60_000, 'rateLimitRetryMs'),
  };
}
