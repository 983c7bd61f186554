import { AccountConfigError, type WithDefaults } from '@openclaw/gateway-core/channel';
import { BOT_TOKEN_RULE, type DiscordConfigInput } from './config-schema.ts';

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

/**
 * Discord's gateway intents by name, as discord.js's GatewayIntentBits spells them (aliases
 * included). Written out so config can be read without loading discord.js; a test holds it equal
 * to the library's.
 */
export const INTENT_BITS: Readonly<Record<string, number>> = {
  Guilds: 1 << 0,
  GuildMembers: 1 << 1,
  GuildModeration: 1 << 2,
  GuildBans: 1 << 2,
  GuildExpressions: 1 << 3,
  GuildEmojisAndStickers: 1 << 3,
  GuildIntegrations: 1 << 4,
  GuildWebhooks: 1 << 5,
  GuildInvites: 1 << 6,
  GuildVoiceStates: 1 << 7,
  GuildPresences: 1 << 8,
  GuildMessages: 1 << 9,
  GuildMessageReactions: 1 << 10,
  GuildMessageTyping: 1 << 11,
  DirectMessages: 1 << 12,
  DirectMessageReactions: 1 << 13,
  DirectMessageTyping: 1 << 14,
  MessageContent: 1 << 15,
  GuildScheduledEvents: 1 << 16,
  AutoModerationConfiguration: 1 << 20,
  AutoModerationExecution: 1 << 21,
  GuildMessagePolls: 1 << 24,
  DirectMessagePolls: 1 << 25,
};

/** Guild text channels, DMs, and the content of both. MessageContent is privileged: enable it in the portal. */
export const DEFAULT_INTENTS =
  INTENT_BITS.Guilds! |
  INTENT_BITS.GuildMessages! |
  INTENT_BITS.DirectMessages! |
  INTENT_BITS.MessageContent!;

/** `intents` as a bitfield or a list of GatewayIntentBits names (`["Guilds", "GuildMessages", …]`). */
function parseIntents(v: number | string[] | undefined): number {
  if (v === undefined) return DEFAULT_INTENTS;
  if (typeof v === 'number') return v;
  let bits = 0;
  for (const name of v) {
    const bit = Object.hasOwn(INTENT_BITS, name) ? INTENT_BITS[name] : undefined;
    if (typeof bit !== 'number')
      throw new AccountConfigError('intents', `unknown intent ${JSON.stringify(name)}`);
    bits |= bit;
  }
  return bits;
}

/**
 * The checked `channels.discord` account → the adapter's config. The token comes from
 * `botToken`, or (default account only) `DISCORD_BOT_TOKEN`.
 */
export function resolveDiscordConfig(
  c: WithDefaults<DiscordConfigInput, 'apiUrl' | 'allowBots' | 'readyTimeoutMs'>,
  accountId: string,
): DiscordAccountConfig {
  let botToken = c.botToken?.trim() ?? '';
  if (!botToken && accountId === 'default') botToken = process.env.DISCORD_BOT_TOKEN?.trim() ?? '';
  // People paste the header form from examples; discord.js strips it too, but keep the stored value plain.
  botToken = botToken.replace(/^Bot\s+/i, '');
  if (botToken && !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(botToken))
    throw new AccountConfigError('botToken', BOT_TOKEN_RULE);
  return {
    botToken,
    apiUrl: c.apiUrl.replace(/\/+$/, ''),
    intents: parseIntents(c.intents),
    allowBots: c.allowBots,
    readyTimeoutMs: c.readyTimeoutMs,
  };
}
