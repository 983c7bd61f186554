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

const METHODS: readonly IMessageSendMethod[] = ['apple-script', 'private-api'];
const RECEIVE: readonly IMessageReceiveMode[] = ['webhook', 'poll'];
/** URL-safe, because BlueBubbles can only carry it in the URL it posts to. */
const SECRET = /^[\w-]{16,256}$/;
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

function nonNegativeMs(v: unknown, fallback: number, key: string): number {
  if (v === undefined) return fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`${key} must be a number ≥ 0`);
  return v;
}

/**
 * Missing serverUrl or password leaves the account unconfigured; malformed values are errors.
 * The password may come from BLUEBUBBLES_PASSWORD for the default account only, so a second
 * account can never pick up the first one's password by accident.
 */
export function parseIMessageConfig(raw: Record<string, unknown>, accountId: string): IMessageAccountConfig {
  const serverUrl = typeof raw.serverUrl === 'string' ? raw.serverUrl.trim().replace(/\/+$/, '') : '';
  if (serverUrl && !/^https?:\/\/[^/]/i.test(serverUrl))
    throw new Error(
      'serverUrl must be the http(s) URL of the BlueBubbles server, e.g. http://192.168.1.20:1234',
    );
  if (/[?#]/.test(serverUrl) || /\/api\/v\d/i.test(serverUrl))
    throw new Error('serverUrl is the server root only: no /api/v1, no ?password= (set password instead)');
  let password = typeof raw.password === 'string' ? raw.password : '';
  if (!password && accountId === 'default') password = process.env.BLUEBUBBLES_PASSWORD ?? '';
  password = password.trim();

  const receive = raw.receive ?? 'webhook';
  if (!RECEIVE.includes(receive as IMessageReceiveMode))
    throw new Error(`receive must be one of ${RECEIVE.join(', ')}`);
  const sendMethod = raw.sendMethod ?? 'apple-script';
  if (!METHODS.includes(sendMethod as IMessageSendMethod))
    throw new Error(`sendMethod must be one of ${METHODS.join(', ')}`);

  const webhookPath =
    typeof raw.webhookPath === 'string'
      ? raw.webhookPath
      : `/channels/imessage/${encodeURIComponent(accountId)}/webhook`;
  if (!webhookPath.startsWith('/channels/') || /[?#\s]/.test(webhookPath))
    throw new Error('webhookPath must be a path under /channels/ without a query');
  const webhookSecret = typeof raw.webhookSecret === 'string' ? raw.webhookSecret : '';
  // Only demanded once the account is otherwise set up: an empty block stays "not configured".
  if (receive === 'webhook' && serverUrl && !SECRET.test(webhookSecret))
    throw new Error(
      'webhookSecret is required in webhook mode (16-256 of A-Z a-z 0-9 _ -): without it anyone who finds the URL can post messages as any sender',
    );
  if (webhookSecret && !SECRET.test(webhookSecret))
    throw new Error('webhookSecret must be 16-256 of A-Z a-z 0-9 _ -');

  let mentionNames: string[] = [];
  if (raw.mentionNames !== undefined) {
    if (!Array.isArray(raw.mentionNames) || raw.mentionNames.some((n) => typeof n !== 'string'))
      throw new Error('mentionNames must be a list of names');
    mentionNames = (raw.mentionNames as string[])
      .map((n) => n.trim().replace(/^@/, ''))
      .filter((n) => n.length > 0);
  }

  return {
    serverUrl,
    password,
    receive: receive as IMessageReceiveMode,
    webhookPath,
    webhookSecret,
    sendMethod: sendMethod as IMessageSendMethod,
    pollIntervalMs: nonNegativeMs(raw.pollIntervalMs, 2000, 'pollIntervalMs'),
    mentionNames,
  };
}
