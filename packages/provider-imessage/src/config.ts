import { AccountConfigError, type WithDefaults } from '@openclaw/gateway-core/channel';
import { type IMessageConfigInput, WEBHOOK_SECRET, WEBHOOK_SECRET_RULE } from './config-schema.ts';

export type IMessageSendMethod = 'apple-script' | 'private-api';
export type IMessageReceiveMode = 'webhook' | 'poll';

export interface IMessageAccountConfig {
  /** BlueBubbles server root, e.g. http://192.168.1.20:1234 (no /api/v1, no password). */
  serverUrl: string;
  /** The BlueBubbles server password. Sent as `?password=` on every call, so never logged. */
  password: string;
  /** webhook: BlueBubbles posts to the gateway. poll: we ask POST /api/v1/message/query. */
  receive: IMessageReceiveMode;
  /** Route on the gateway's port that BlueBubbles posts to (webhook mode). */
  webhookPath: string;
  /** Shared secret carried by every webhook call, as `?secret=` or a header (webhook mode). */
  webhookSecret: string;
  /** How BlueBubbles drives Messages.app; private-api needs the helper bundle installed on the Mac. */
  sendMethod: IMessageSendMethod;
  /** Pause between polls (poll mode). */
  pollIntervalMs: number;
  /**
   * Names people use to address the bot in a group (`@Name …` or `Name: …` at the start). iMessage
   * has no mentions the server could report, so this is the only mention signal there is.
   */
  mentionNames: string[];
}

const E164ISH = /^\+?[\d\s().-]+$/;

/**
 * A sender id as the core stores it: phone numbers without the spaces and dashes people paste,
 * emails in lower case (chat.db keeps handles that way), and no `imessage:` prefix.
 */
export function normalizeIMessageId(entry: string): string {
  const s = entry.trim().replace(/^(imessage|bluebubbles|sms):/i, '');
  if (s.includes('@')) return s.toLowerCase();
  if (E164ISH.test(s)) return s.replace(/[\s().-]/g, '');
  return s;
}

/**
 * The checked `channels.imessage` account → the adapter's config. Missing serverUrl or password
 * leaves the account unconfigured; malformed values are errors. The password may come from
 * BLUEBUBBLES_PASSWORD for the default account only, so a second account can never pick up the
 * first one's password by accident.
 */
export function resolveIMessageConfig(
  c: WithDefaults<IMessageConfigInput, 'receive' | 'sendMethod' | 'pollIntervalMs'>,
  accountId: string,
): IMessageAccountConfig {
  const serverUrl = c.serverUrl?.trim().replace(/\/+$/, '') ?? '';
  if (serverUrl && !/^https?:\/\/[^/]/i.test(serverUrl))
    throw new AccountConfigError(
      'serverUrl',
      'must be the http(s) URL of the BlueBubbles server, e.g. http://192.168.1.20:1234',
    );
  if (/[?#]/.test(serverUrl) || /\/api\/v\d/i.test(serverUrl))
    throw new AccountConfigError(
      'serverUrl',
      'is the server root only: no /api/v1, no ?password= (set password instead)',
    );
  let password = c.password ?? '';
  if (!password && accountId === 'default') password = process.env.BLUEBUBBLES_PASSWORD ?? '';
  password = password.trim();

  const receive = c.receive;
  const webhookPath = c.webhookPath ?? `/channels/imessage/${encodeURIComponent(accountId)}/webhook`;
  if (!webhookPath.startsWith('/channels/') || /[?#\s]/.test(webhookPath))
    throw new AccountConfigError('webhookPath', 'must be a path under /channels/ without a query');
  const webhookSecret = c.webhookSecret ?? '';
  // Only demanded once the account is otherwise set up: an empty block stays "not configured".
  if (receive === 'webhook' && serverUrl && !WEBHOOK_SECRET.test(webhookSecret))
    throw new AccountConfigError(
      'webhookSecret',
      `is required in webhook mode (${WEBHOOK_SECRET_RULE}): without it anyone who finds the URL can post messages as any sender`,
    );

  return {
    serverUrl,
    password,
    receive,
    webhookPath,
    webhookSecret,
    sendMethod: c.sendMethod,
    pollIntervalMs: c.pollIntervalMs,
    mentionNames: (c.mentionNames ?? []).map((n) => n.trim().replace(/^@/, '')).filter((n) => n.length > 0),
  };
}
