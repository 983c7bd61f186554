// Read without loading discord.js: the gateway builds its config schema (and redacts) from this.
import { credential, SecretString, SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_DISCORD_API_URL = 'https://discord.com/api';
export const BOT_TOKEN_RULE = 'does not look like a Discord bot token (three dot-separated parts)';

/** One Discord bot: `channels.discord` (or one of its `accounts`). */
export const discordConfigSchema = Type.Object(
  {
    botToken: Type.Optional(
      SecretString(
        credential({
          // The header form (`Bot …`) people paste from examples is accepted and stripped.
          pattern: '^\\s*(?:[Bb][Oo][Tt]\\s+)?[\\w-]+\\.[\\w-]+\\.[\\w-]+\\s*$',
          errorMessage: BOT_TOKEN_RULE,
          description: 'Bot token from the developer portal. Default account: or DISCORD_BOT_TOKEN.',
        }),
      ),
    ),
    apiUrl: Type.Optional(
      SecretUrl({
        minLength: 1,
        default: DEFAULT_DISCORD_API_URL,
        description:
          'REST base without the version; the gateway URL comes from REST. Tests point it at a fake.',
      }),
    ),
    intents: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0 }), Type.Array(Type.String({ minLength: 1 }))], {
        errorMessage: 'must be a bitfield number or a list of intent names',
        description:
          'Gateway intents: a bitfield or GatewayIntentBits names (default Guilds, GuildMessages, DirectMessages, MessageContent).',
      }),
    ),
    allowBots: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          'Hand messages from other bots to the core (two bots answering each other loop forever).',
      }),
    ),
    readyTimeoutMs: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        default: 30_000,
        description: 'How long start waits for READY plus every GUILD_CREATE.',
      }),
    ),
  },
  { additionalProperties: false, description: 'A Discord bot.' },
);
export type DiscordConfigInput = Static<typeof discordConfigSchema>;
