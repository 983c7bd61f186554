// Read without loading Baileys: the gateway builds its config schema (and redacts) from this.
import { SecretUrl } from '@openclaw/gateway-core/channel';
import { type Static, Type } from '@sinclair/typebox';

export const DEFAULT_WA_WEBSOCKET_URL = 'wss://web.whatsapp.com/ws/chat';

const Ms = (description: string, fallback?: number) =>
  Type.Optional(
    Type.Number({ minimum: 0, ...(fallback === undefined ? {} : { default: fallback }), description }),
  );

/**
 * One linked device: `channels.whatsapp` (or one of its `accounts`). Nothing is required: the
 * account links by QR, and its credentials live in the state dir, never in config.
 */
export const whatsappConfigSchema = Type.Object(
  {
    authDir: Type.Optional(
      Type.String({
        pattern: '\\S',
        errorMessage: 'must be a path',
        description:
          "Where the linked device's credentials live (default <state dir>/channels/whatsapp/<account>/auth).",
      }),
    ),
    waWebSocketUrl: Type.Optional(
      SecretUrl({
        pattern: '^[Ww][Ss][Ss]?://[^/]',
        errorMessage: 'must be a ws:// or wss:// URL',
        default: DEFAULT_WA_WEBSOCKET_URL,
        description: "WhatsApp Web's socket; tests point it at a fake.",
      }),
    ),
    browser: Type.Optional(
      Type.String({
        pattern: '\\S',
        maxLength: 50,
        default: 'OpenClaw',
        errorMessage: 'must be a short name (what the phone shows under Linked devices)',
        description: 'The name the phone lists under Linked devices.',
      }),
    ),
    version: Type.Optional(
      Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })], {
        errorMessage: 'must be three integers, e.g. [2, 3000, 1019707846]',
        description:
          "WhatsApp Web version to announce (default: Baileys' bundled one; never fetched at run time).",
      }),
    ),
    connectTimeoutMs: Ms('Handshake and login must finish within this.', 20_000),
    qrTimeoutMs: Ms("Lifetime of each QR (default WhatsApp's own: 60 s, then 20 s each)."),
    rateLimitRetryMs: Ms(
      'Wait before retrying a send WhatsApp rate-limited (no retry-after is given; pushing on risks a ban).',
      30_000,
    ),
    offlineMaxAgeMs: Ms(
      'Messages queued while offline are taken up to this age, older ones skipped (0 takes none).',
      60 * 60_000,
    ),
  },
  { additionalProperties: false, description: 'A WhatsApp linked device (Baileys).' },
);
export type WhatsAppConfigInput = Static<typeof whatsappConfigSchema>;
