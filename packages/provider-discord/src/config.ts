import { AccountConfigError, checkAccountConfig } from '@openclaw/gateway-core/channel';
import { GatewayIntentBits } from 'discord.js';
import { BOT_TOKEN_RULE, DEFAULT_DISCORD_API_URL, discordConfigSchema } from './config-schema.ts';

export interface DiscordAccountConfig {
  botToken: string;
  /** REST base without the version (`${apiUrl}/v10/…`); point it at a test fake. The gateway URL comes from REST. */
  apiUrl: string;
  /** Gateway intent bitfield sent in IDENTIFY. */
  intents: number;
  /** Hand messages from other bots to the core (off by default: two bots answering each other loop forever). */
  allowBots: boolean;
  /** How long start() waits for `clientReady` (READY plus every GUILD_CREATE). */
  readyTimeoutMs: number;
}

/** Guild text channels, DMs, and the content of both. MessageContent is privileged: enable it in the portal. */
export const DEFAULT_INTENTS =
  GatewayIntentBits.Guilds |
  GatewayIntentBits.GuildMessages |
  GatewayIntentBits.DirectMessages |
  GatewayIntentBits.MessageContent;

const intentBits = GatewayIntentBits as unknown as Record<string, number>;

/** `intents` as a bitfield or a list of GatewayIntentBits names (`["Guilds", "GuildMessages", …]`). */
function parseIntents(v: number | string[] | undefined): number {
  if (v === undefined) return DEFAULT_INTENTS;
  if (typeof v === 'number') return v;
  let bits = 0;
  for (const name of v) {
    const bit = intentBits[name];
    if (typeof bit !== 'number')
      throw new AccountConfigError('intents', `unknown intent ${JSON.stringify(name)}`);
    bits |= bit;
  }
  return bits;
}

/** Token from `botToken`, or (default account only) `DISCORD_BOT_TOKEN`. */
export function parseDiscordConfig(raw: Record<string, unknown>, accountId: string): DiscordAccountConfig {
  const c = checkAccountConfig(discordConfigSchema, raw);
  let botToken = c.botToken?.trim() ?? '';
  if (!botToken && accountId === 'default') botToken = process.env.DISCORD_BOT_TOKEN?.trim() ?? '';
  // People paste the header form from examples; discord.js strips it too, but keep the stored value plain.
  botToken = botToken.replace(/^Bot\s+/i, '');
  if (botToken && !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(botToken))
    throw new AccountConfigError('botToken', BOT_TOKEN_RULE);
  return {
    botToken,
    apiUrl: (c.apiUrl ?? DEFAULT_DISCORD_API_URL).replace(/\/+$/, ''),
    intents: parseIntents(c.intents),
    allowBots: c.allowBots === true,
    readyTimeoutMs: c.readyTimeoutMs ?? 30_000,
  };
}
