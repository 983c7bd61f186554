import { AccountConfigError, type WithDefaults } from '@openclaw/gateway-core/channel';
import { APP_TOKEN_RULE, BOT_TOKEN_RULE, type SlackConfigInput } from './config-schema.ts';

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

/**
 * The checked `channels.slack` account → the adapter's config. Tokens come from config or, for
 * the default account only, `SLACK_BOT_TOKEN` / `SLACK_APP_TOKEN` (a second account must never
 * silently pick up the first one's workspace).
 */
export function resolveSlackConfig(
  c: WithDefaults<SlackConfigInput, 'apiUrl'>,
  accountId: string,
): SlackAccountConfig {
  const fromEnv = (name: string) => (accountId === 'default' ? (process.env[name]?.trim() ?? '') : '');
  const botToken = c.botToken?.trim() || fromEnv('SLACK_BOT_TOKEN');
  const appToken = c.appToken?.trim() || fromEnv('SLACK_APP_TOKEN');
  const signingSecret = c.signingSecret?.trim() ?? '';
  // Catch the usual mix-up (user token, or the two tokens swapped) at config time, not as invalid_auth later.
  if (botToken && !botToken.startsWith('xoxb-')) throw new AccountConfigError('botToken', BOT_TOKEN_RULE);
  if (appToken && !appToken.startsWith('xapp-')) throw new AccountConfigError('appToken', APP_TOKEN_RULE);
  const mode = c.mode ?? (appToken || !signingSecret ? 'socket' : 'events-http');
  let apiUrl = c.apiUrl.trim();
  // WebClient appends the method name to this string as is.
  if (!apiUrl.endsWith('/')) apiUrl += '/';
  const cfg: SlackAccountConfig = {
    botToken,
    appToken,
    signingSecret,
    mode,
    apiUrl,
    webhookPath: c.webhookPath ?? `/channels/slack/${encodeURIComponent(accountId)}/events`,
  };
  if (c.clientPingTimeoutMs !== undefined) cfg.clientPingTimeoutMs = c.clientPingTimeoutMs;
  return cfg;
}

/** Has what its mode needs: a bot token, plus the app token (socket) or signing secret (events-http). */
export function isSlackConfigured(c: SlackAccountConfig): boolean {
  return c.botToken.length > 0 && (c.mode === 'socket' ? c.appToken.length > 0 : c.signingSecret.length > 0);
}
