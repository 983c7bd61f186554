export type SlackMode = 'socket' | 'events-http';

export interface SlackAccountConfig {
  /** Bot User OAuth Token (xoxb-…): every Web API call. */
  botToken: string;
  /** App-level token (xapp-…) with connections:write: Socket Mode only. */
  appToken: string;
  /** Signs Events API requests: events-http only. */
  signingSecret: string;
  mode: SlackMode;
  /** Web API root with a trailing slash; point it at a test fake. */
  apiUrl: string;
  /** Route on the gateway's port that receives Events API callbacks (events-http). */
  webhookPath: string;
  /**
   * Socket Mode pong deadline (ms). The library also uses it as the reconnect delay, so tests
   * shorten it; production keeps the library default.
   */
  clientPingTimeoutMs?: number | undefined;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

/**
 * Tokens from config or, for the default account only, `SLACK_BOT_TOKEN` / `SLACK_APP_TOKEN`
 * (a second account must never silently pick up the first one's workspace).
 */
export function parseSlackConfig(raw: Record<string, unknown>, accountId: string): SlackAccountConfig {
  const fromEnv = (name: string) => (accountId === 'default' ? (process.env[name]?.trim() ?? '') : '');
  const botToken = str(raw.botToken) || fromEnv('SLACK_BOT_TOKEN');
  const appToken = str(raw.appToken) || fromEnv('SLACK_APP_TOKEN');
  const signingSecret = str(raw.signingSecret);
  // Catch the usual mix-up (user token, or the two tokens swapped) at config time, not as invalid_auth later.
  if (botToken && !botToken.startsWith('xoxb-'))
    throw new Error('botToken must be a bot token (xoxb-…, "Bot User OAuth Token")');
  if (appToken && !appToken.startsWith('xapp-'))
    throw new Error('appToken must be an app-level token (xapp-…, with the connections:write scope)');
  const mode =
    raw.mode === undefined
      ? appToken || !signingSecret
        ? 'socket'
        : 'events-http'
      : (raw.mode as SlackMode);
  if (mode !== 'socket' && mode !== 'events-http') throw new Error('mode must be socket or events-http');
  let apiUrl = typeof raw.apiUrl === 'string' ? raw.apiUrl.trim() : 'https://slack.com/api/';
  // WebClient appends the method name to this string as is.
  if (!apiUrl.endsWith('/')) apiUrl += '/';
  const cfg: SlackAccountConfig = {
    botToken,
    appToken,
    signingSecret,
    mode,
    apiUrl,
    webhookPath:
      typeof raw.webhookPath === 'string'
        ? raw.webhookPath
        : `/channels/slack/${encodeURIComponent(accountId)}/events`,
  };
  if (!cfg.webhookPath.startsWith('/')) throw new Error('webhookPath must start with /');
  if (raw.clientPingTimeoutMs !== undefined) {
    const ms = Number(raw.clientPingTimeoutMs);
    if (!Number.isFinite(ms) || ms < 50) throw new Error('clientPingTimeoutMs must be a number ≥ 50');
    cfg.clientPingTimeoutMs = ms;
  }
  return cfg;
}

/** Has what its mode needs: a bot token, plus the app token (socket) or signing secret (events-http). */
export function isSlackConfigured(c: SlackAccountConfig): boolean {
  return c.botToken.length > 0 && (c.mode === 'socket' ? c.appToken.length > 0 : c.signingSecret.length > 0);
}
