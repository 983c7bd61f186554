import { GatewayIntentBits } from 'discord.js';

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
function parseIntents(v: unknown): number {
  if (v === undefined) return DEFAULT_INTENTS;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (Array.isArray(v)) {
    let bits = 0;
    for (const name of v) {
      const bit = typeof name === 'string' ? intentBits[name] : undefined;
      if (typeof bit !== 'number') throw new Error(`intents: unknown intent ${JSON.stringify(name)}`);
      bits |= bit;
    }
    return bits;
  }
  throw new Error('intents must be a bitfield number or a list of intent names');
}

/** Token from `botToken`, or (default account only) `DISCORD_BOT_TOKEN`. */
export function parseDiscordConfig(raw: Record<string, unknown>, accountId: string): DiscordAccountConfig {
  let botToken = typeof raw.botToken === 'string' ? raw.botToken.trim() : '';
  if (!botToken && accountId === 'default') botToken = process.env.DISCORD_BOT_TOKEN?.trim() ?? '';
  // People paste the header form from examples; discord.js strips it too, but keep the stored value plain.
  botToken = botToken.replace(/^Bot\s+/i, '');
  if (botToken && !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(botToken))
    throw new Error('botToken does not look like a Discord bot token (three dot-separated parts)');
  const readyTimeoutMs = raw.readyTimeoutMs === undefined ? 30_000 : Number(raw.readyTimeoutMs);
  if (!Number.isFinite(readyTimeoutMs) || readyTimeoutMs <= 0)
    throw new Error('readyTimeoutMs must be a positive number');
  return {
    botToken,
    apiUrl: typeof raw.apiUrl === 'string' ? raw.apiUrl.replace(/\/+$/, '') : 'https://discord.com/api',
    intents: parseIntents(raw.intents),
    allowBots: raw.allowBots === true,
    readyTimeoutMs,
  };
}
