import { AccountConfigError, type WithDefaults } from '@openclaw/gateway-core/channel';
import type { SignalConfigInput } from './config-schema.ts';

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

/**
 * The checked `channels.signal` account → the adapter's config. Missing baseUrl or number leaves
 * the account unconfigured; malformed values are errors.
 */
export function resolveSignalConfig(
  c: WithDefaults<SignalConfigInput, 'receiveMode' | 'pollIntervalMs' | 'rateLimitRetryMs'>,
): SignalAccountConfig {
  const baseUrl = c.baseUrl?.trim().replace(/\/+$/, '') ?? '';
  if (baseUrl && !/^https?:\/\/[^/]/i.test(baseUrl))
    throw new AccountConfigError(
      'baseUrl',
      'must be the http(s) URL of signal-cli-rest-api, e.g. http://127.0.0.1:8080',
    );
  const number = c.number === undefined ? '' : normalizeSignalId(c.number);
  if (number && !E164.test(number))
    throw new AccountConfigError('number', 'must be the signal-cli account in E.164 form, e.g. +15551234567');
  return {
    baseUrl,
    number,
    uuid: c.uuid?.trim().toLowerCase(),
    receiveMode: c.receiveMode,
    pollIntervalMs: c.pollIntervalMs,
    rateLimitRetryMs: c.rateLimitRetryMs,
  };
}
