// Read without loading axios: the gateway builds its config schema (and redacts) from this.
import { credential, SecretString, SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

/** URL-safe, because BlueBubbles can only carry it in the URL it posts to. */
export const WEBHOOK_SECRET = /^[\w-]{16,256}$/;
export const WEBHOOK_SECRET_RULE = '16-256 of A-Z a-z 0-9 _ -';

/** One BlueBubbles server: `channels.imessage` (or one of its `accounts`). */
export const imessageConfigSchema = Type.Object(
  {
    serverUrl: Type.Optional(
      SecretUrl(
        credential({
          description: 'BlueBubbles server root, e.g. http://192.168.1.20:1234 (no /api/v1, no password).',
        }),
      ),
    ),
    password: Type.Optional(
      SecretString(
        credential({
          description:
            'The BlueBubbles server password (sent as ?password= on every call, never logged). Default account: or BLUEBUBBLES_PASSWORD.',
        }),
      ),
    ),
    receive: Type.Optional(
      Type.Union([Type.Literal('webhook'), Type.Literal('poll')], {
        default: 'webhook',
        description: 'webhook: BlueBubbles posts to the gateway. poll: the gateway asks.',
      }),
    ),
    webhookPath: Type.Optional(
      Type.String({
        description:
          "Route on the gateway's port BlueBubbles posts to (default /channels/imessage/<account>/webhook).",
      }),
    ),
    webhookSecret: Type.Optional(
      SecretString({
        pattern: WEBHOOK_SECRET.source,
        errorMessage: `must be ${WEBHOOK_SECRET_RULE}`,
        description: `Carried by every webhook call; required in webhook mode (${WEBHOOK_SECRET_RULE}).`,
      }),
    ),
    sendMethod: Type.Optional(
      Type.Union([Type.Literal('apple-script'), Type.Literal('private-api')], {
        default: 'apple-script',
        description: 'How BlueBubbles drives Messages.app; private-api needs its helper bundle on the Mac.',
      }),
    ),
    pollIntervalMs: Type.Optional(
      Type.Number({ minimum: 0, default: 2000, description: 'Pause between polls (poll mode).' }),
    ),
    mentionNames: Type.Optional(
      Type.Array(Type.String(), {
        description:
          'Names that address the bot in a group (`@Name …` or `Name: …`); iMessage has no mentions.',
      }),
    ),
  },
  { additionalProperties: false, description: 'iMessage through a BlueBubbles server.' },
);
export type IMessageConfigInput = Static<typeof imessageConfigSchema>;
