import { composeGatewayConfig, HeartbeatVisibility } from '@openclaw/protocol';
import { type TObject, type TProperties, type TSchema, Type } from '@sinclair/typebox';

const SenderIds = (description: string) =>
  Type.Array(Type.Union([Type.String(), Type.Number()]), { description });

/**
 * The keys the core reads on every channel account (access control, mention gating, pacing).
 * Defaults are applied in account-config.ts, not here, so the effective config shows only what
 * was written.
 */
export const coreAccountProperties = {
  enabled: Type.Optional(Type.Boolean({ description: 'Start this account (default true).' })),
  name: Type.Optional(Type.String({ description: 'A label for this account.' })),
  dmPolicy: Type.Optional(
    Type.Union(
      [Type.Literal('pairing'), Type.Literal('allowlist'), Type.Literal('open'), Type.Literal('disabled')],
      {
        description:
          'Direct messages from unknown senders: pairing (a code to approve, the default), allowlist, open, disabled.',
      },
    ),
  ),
  allowFrom: Type.Optional(SenderIds('Senders always allowed (`*` for everyone).')),
  groupPolicy: Type.Optional(
    Type.Union([Type.Literal('open'), Type.Literal('allowlist'), Type.Literal('disabled')], {
      description: 'Groups: open, allowlist (groupAllowFrom or listed in groups), disabled.',
    }),
  ),
  groupAllowFrom: Type.Optional(SenderIds('Groups (chat ids) allowed under groupPolicy allowlist.')),
  requireMention: Type.Optional(
    Type.Boolean({ description: 'In groups, answer only when mentioned or replied to (default true).' }),
  ),
  groups: Type.Optional(
    Type.Record(
      Type.String(),
      Type.Object(
        {
          requireMention: Type.Optional(Type.Boolean({ description: 'Override requireMention here.' })),
          enabled: Type.Optional(Type.Boolean({ description: 'Answer in this group.' })),
        },
        { description: 'Settings of one group.' },
      ),
      { description: 'Per-group settings, by chat id.' },
    ),
  ),
  textChunkLimit: Type.Optional(
    Type.Integer({ minimum: 1, description: "Lower the platform's text limit (never raise it)." }),
  ),
  pacing: Type.Optional(
    Type.Object(
      {
        perChatMs: Type.Optional(Type.Number({ minimum: 0, description: 'Between sends to one chat.' })),
        perAccountMs: Type.Optional(Type.Number({ minimum: 0, description: 'Between sends across chats.' })),
      },
      { additionalProperties: false, description: 'Pause between sends (default: the platform’s).' },
    ),
  ),
  sendConcurrency: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Chats sent to at once (default 8).' }),
  ),
  heartbeatVisibility: Type.Optional(HeartbeatVisibility),
} satisfies TProperties;

/** Keys of `channels.<id>` that belong to the core, not the provider. */
export const CORE_ACCOUNT_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(coreAccountProperties),
  'accounts',
  'defaultAccount',
]);

const accountCache = new WeakMap<TObject, TObject>();

/** One account's whole config: the core's keys and the provider's, nothing else. */
export function accountConfigSchema(providerSchema: TObject): TObject {
  let s = accountCache.get(providerSchema);
  if (!s) {
    s = Type.Object(
      { ...coreAccountProperties, ...optionalAll(providerSchema.properties) },
      { additionalProperties: false, description: providerSchema.description ?? 'One account.' },
    );
    accountCache.set(providerSchema, s);
  }
  return s;
}

/**
 * `channels.<id>`: one account (the `default`), or keys shared by every account plus
 * `accounts.<accountId>`. Every key is optional at this level: what an account needs is judged
 * after the shared keys are merged into it.
 */
export function channelConfigSchema(providerSchema: TObject, label?: string): TObject {
  const account = accountConfigSchema(providerSchema);
  return Type.Object(
    {
      ...account.properties,
      accounts: Type.Optional(
        Type.Record(Type.String({ minLength: 1 }), account, {
          description: 'Several accounts, by account id; each inherits the keys set beside `accounts`.',
        }),
      ),
      defaultAccount: Type.Optional(
        Type.String({ description: 'Accepted for compatibility; the first account is the default.' }),
      ),
    },
    {
      additionalProperties: false,
      // The provider's display name, for forms built from the schema (the Control UI's "add a channel").
      ...(label ? { title: label } : {}),
      description: `${label ?? 'Channel'} accounts: one account, or shared keys plus accounts.`,
    },
  );
}

/**
 * The gateway's config schema with these channels under `channels.<id>` (what `config.schema`
 * serves, what config writes are validated against, what redaction reads its marks from).
 */
export function gatewayConfigSchema(
  channels: readonly { id: string; label?: string; configSchema: TObject }[],
): TObject {
  return composeGatewayConfig(
    Object.fromEntries(channels.map((c) => [c.id, channelConfigSchema(c.configSchema, c.label)])),
  );
}

function optionalAll(props: TProperties): Record<string, TSchema> {
  return Object.fromEntries(Object.entries(props).map(([k, s]) => [k, Type.Optional(s)]));
}
