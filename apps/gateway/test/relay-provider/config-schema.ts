// Step 1 of "add a channel provider" (docs/ARCHITECTURE.md), for a made-up platform, Relay: one
// account's keys as a TypeBox schema, secrets and credentials marked. Loads no platform code.
import { credential, SecretString, SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

export const relayConfigSchema = Type.Object(
  {
    url: Type.Optional(
      SecretUrl(credential({ description: 'The Relay server root, e.g. https://relay.example.' })),
    ),
    token: Type.Optional(
      SecretString(credential({ description: 'The bot token (sent as a Bearer header).' })),
    ),
    holdMs: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: 25_000,
        description: 'How long the server may hold an empty poll.',
      }),
    ),
    retryMs: Type.Optional(
      Type.Integer({ minimum: 10, default: 1000, description: 'The wait after a failed poll.' }),
    ),
  },
  { additionalProperties: false, description: 'A Relay bot.' },
);
export type RelayConfigInput = Static<typeof relayConfigSchema>;
