// Read without loading axios or ws: the gateway builds its config schema (and redacts) from this.
import { credential, SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

const Ms = (fallback: number, description: string) =>
  Type.Optional(Type.Number({ minimum: 0, default: fallback, description }));

/** One signal-cli account: `channels.signal` (or one of its `accounts`). */
export const signalConfigSchema = Type.Object(
  {
    baseUrl: Type.Optional(
      SecretUrl(
        credential({
          description:
            'signal-cli-rest-api root, e.g. http://127.0.0.1:8080 (a password in it is kept secret).',
        }),
      ),
    ),
    number: Type.Optional(
      Type.String(credential({ description: 'The account registered or linked in signal-cli, E.164.' })),
    ),
    uuid: Type.Optional(
      Type.String({
        pattern: '^\\s*[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\\s*$',
        errorMessage: 'must be a uuid',
        description: "The account's own ACI, when known: mentions carrying only a uuid then address the bot.",
      }),
    ),
    receiveMode: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Literal('websocket'), Type.Literal('poll')], {
        default: 'auto',
        description: 'auto asks GET /v1/about: json-rpc mode → websocket, anything else → poll.',
      }),
    ),
    pollIntervalMs: Ms(1000, 'Pause between empty polls in poll mode.'),
    rateLimitRetryMs: Ms(
      60_000,
      'Wait before retrying a rate-limited send (Signal gives no retry-after; a captcha lifts the limit).',
    ),
  },
  { additionalProperties: false, description: 'A Signal account through signal-cli-rest-api.' },
);
export type SignalConfigInput = Static<typeof signalConfigSchema>;
