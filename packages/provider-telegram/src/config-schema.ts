// Read without loading telegraf: the gateway builds its config schema (and redacts) from this.
import { credential, SecretString, SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_TELEGRAM_API_ROOT = 'https://api.telegram.org';

/** Telegram allows 1-256 of these; we ask for 16 at least, or anyone could post fake updates. */
const WEBHOOK_SECRET = '^[\\w-]{16,256}$';
const WEBHOOK_SECRET_RULE = '16-256 of A-Z a-z 0-9 _ -';

/** One Telegram account: `channels.telegram` (or one of its `accounts`). */
export const telegramConfigSchema = Type.Object(
  {
    botToken: Type.Optional(
      SecretString(
        credential({
          pattern: '^\\s*\\d+:[\\w-]+\\s*$',
          errorMessage: 'does not look like a Telegram bot token (<id>:<secret>)',
          description:
            'Bot token from @BotFather. Or tokenFile, or (default account only) TELEGRAM_BOT_TOKEN.',
        }),
      ),
    ),
    tokenFile: Type.Optional(
      Type.String({ minLength: 1, description: 'File holding only the bot token (read at start).' }),
    ),
    apiRoot: Type.Optional(
      SecretUrl({
        minLength: 1,
        default: DEFAULT_TELEGRAM_API_ROOT,
        description: 'Bot API root; point it at a local Bot API server or a test fake.',
      }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('polling'), Type.Literal('webhook')], {
        description: 'polling (default), or webhook when `webhook` is set.',
      }),
    ),
    pollTimeoutS: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: 50,
        default: 50,
        description: 'Polling: how long Telegram holds a getUpdates open, in seconds.',
      }),
    ),
    pollRetryMs: Type.Optional(
      Type.Integer({
        minimum: 10,
        maximum: 600_000,
        default: 5000,
        description: "Polling: the wait after a failed getUpdates (Telegram's retry_after wins).",
      }),
    ),
    webhook: Type.Optional(
      Type.Object(
        {
          path: Type.Optional(
            Type.String({
              pattern: '^/',
              errorMessage: 'must be a path starting with /',
              description: "Route on the gateway's port (default /channels/telegram/<account>/webhook).",
            }),
          ),
          secretToken: Type.Optional(
            SecretString({
              pattern: WEBHOOK_SECRET,
              errorMessage: `must be ${WEBHOOK_SECRET_RULE}`,
              description: `Compared with the X-Telegram-Bot-Api-Secret-Token header; required (${WEBHOOK_SECRET_RULE}).`,
            }),
          ),
          url: Type.Optional(
            SecretUrl({
              description: 'Public URL to register with setWebhook; when absent, register it yourself.',
            }),
          ),
        },
        { additionalProperties: false, description: 'Receive updates by webhook instead of polling.' },
      ),
    ),
  },
  { additionalProperties: false, description: 'A Telegram bot.' },
);
export type TelegramConfigInput = Static<typeof telegramConfigSchema>;
