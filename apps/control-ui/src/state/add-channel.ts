import { credentialNeeded } from '@openclaw/protocol';
import {
  type ConfigField,
  type ConfigSection,
  describeConfig,
  isPlainObject,
  type JsonSchema,
  setAt,
} from './config-form.ts';

/** A channel the gateway can run, as config.schema describes it under `channels.<id>`. */
export interface ProviderChoice {
  id: string;
  /** The provider's display name (the schema's title), or the id. */
  label: string;
  /** Accounts in the config now. */
  accountIds: string[];
  /** Links a device by QR code instead of taking a token (WhatsApp). */
  linksByQr: boolean;
}

/** The schema of one account of a channel: the entries of `channels.<id>.accounts`. */
export function accountSchema(schema: JsonSchema, channel: string): JsonSchema | undefined {
  const c = schema.properties?.channels?.properties?.[channel];
  const entries = Object.values(c?.properties?.accounts?.patternProperties ?? {});
  return entries[0] ?? c;
}

/** Account ids configured for a channel: `accounts` keys, or `default` for a single account. */
export function configuredAccounts(channelConfig: unknown): string[] {
  if (!isPlainObject(channelConfig)) return [];
  if (isPlainObject(channelConfig.accounts)) return Object.keys(channelConfig.accounts);
  return Object.keys(channelConfig).length > 0 ? ['default'] : [];
}

/** Every channel of the schema, in schema order, with what is configured of it. */
export function providerChoices(schema: JsonSchema, config: Record<string, unknown>): ProviderChoice[] {
  const channels = schema.properties?.channels?.properties ?? {};
  const current = isPlainObject(config.channels) ? config.channels : {};
  // `defaults` is what every channel falls back to, not a channel to add.
  return Object.entries(channels)
    .filter(([id]) => id !== 'defaults')
    .map(([id, s]) => ({
      id,
      label: s.title ?? id,
      accountIds: configuredAccounts(current[id]),
      // A linked device has no credential to type: its account schema marks none.
      linksByQr: !Object.values(accountSchema(schema, id)?.properties ?? {}).some((p) => p['x-credential']),
    }));
}

export interface AccountForm {
  /** What the account may need before it can connect (see credentialsFor for which are required). */
  credentials: ConfigField[];
  /** The keys that decide which credentials are needed (Slack's mode), shown beside them. */
  switches: ConfigField[];
  /** Common choices shown by default: the name and who may write to it. */
  common: ConfigField[];
  /** Everything else the account schema allows, as a form layout (collapsed by default). */
  more: ConfigSection;
}

const COMMON = new Set(['name', 'dmPolicy', 'allowFrom']);
// Keys left out of a new account's form: starting disabled makes no sense here, and `groups`
// (per-chat settings by chat id) is edited on the Config page once the account exists.
const SKIP = new Set(['enabled', 'groups']);

/** The form for a new account of `channel`, from the provider's own schema. */
export function accountForm(
  schema: JsonSchema,
  channel: string,
  uiHints: Record<string, unknown>,
): AccountForm {
  const account = accountSchema(schema, channel) ?? {};
  const props = Object.fromEntries(
    Object.entries(account.properties ?? {}).filter(
      ([k]) => !SKIP.has(k) && k !== 'accounts' && k !== 'defaultAccount',
    ),
  );
  const layout = describeConfig({ ...account, properties: props }, uiHints);
  const credentials = layout.fields.filter((f) => f.credential);
  const deciding = new Set(credentials.flatMap((f) => Object.keys(f.neededWhen?.neededWhen ?? {})));
  const switches = layout.fields.filter((f) => !f.credential && deciding.has(f.key));
  const common = layout.fields.filter((f) => !f.credential && !deciding.has(f.key) && COMMON.has(f.key));
  const taken = new Set([...credentials, ...switches, ...common]);
  const more: ConfigSection = {
    ...layout,
    fields: layout.fields.filter((f) => !taken.has(f)),
    items: layout.items.filter((i) => !('field' in i) || !taken.has(i.field)),
  };
  return { credentials, switches, common, more };
}

/**
 * The form's credentials split by what the switches' current inputs (by key; '' is unset) need:
 * the needed ones are required and come first, the others stay optional.
 */
export function credentialsFor(
  form: AccountForm,
  inputs: Readonly<Record<string, unknown>>,
): { needed: ConfigField[]; optional: ConfigField[] } {
  const isNeeded = (f: ConfigField) => !f.neededWhen || credentialNeeded(f.neededWhen, inputs);
  return {
    needed: form.credentials.filter(isNeeded),
    optional: form.credentials.filter((f) => !isNeeded(f)),
  };
}

const ACCOUNT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** Why an account id cannot be used, or undefined when it can. */
export function accountIdProblem(id: string, existing: readonly string[]): string | undefined {
  if (!id) return 'Give the account an id.';
  if (!ACCOUNT_ID.test(id))
    return 'Use letters, digits, - and _ (up to 64, starting with a letter or digit).';
  if (existing.includes(id)) return `There is already an account "${id}" on this channel.`;
  return undefined;
}

export interface NewAccountPatch {
  /** The merge patch for config.patch. */
  patch: Record<string, unknown>;
  /** Where the account's keys live in the config (`channels.telegram` or `….accounts.<id>`). */
  path: string;
}

/**
 * The config.patch that adds an account. A channel not configured yet gets its `default`
 * account as top-level keys. Once a channel has accounts, a new one goes under `accounts`; a
 * channel configured as one account keeps it as `accounts.default` (an empty entry inheriting
 * the keys beside `accounts`, so its secrets stay where they are stored).
 */
export function newAccountPatch(
  channel: string,
  accountId: string,
  values: ReadonlyMap<string, unknown>,
  channelConfig: unknown,
): NewAccountPatch {
  const keys: Record<string, unknown> = {};
  for (const [path, v] of values) if (v !== undefined) setAt(keys, path, v);
  const existing = configuredAccounts(channelConfig);
  const hasMap = isPlainObject(channelConfig) && isPlainObject(channelConfig.accounts);
  if (existing.length === 0 && accountId === 'default') {
    return { patch: { channels: { [channel]: keys } }, path: `channels.${channel}` };
  }
  const accounts: Record<string, unknown> = { [accountId]: keys };
  if (!hasMap && existing.includes('default')) accounts.default = {};
  return {
    patch: { channels: { [channel]: { accounts } } },
    path: `channels.${channel}.accounts.${accountId}`,
  };
}

/** How an account's state reads at a glance. */
export type Tone = 'ok' | 'warn' | 'bad' | 'idle' | 'pending';

export function accountTone(state: string | undefined): Tone {
  switch (state) {
    case 'running':
      return 'ok';
    case 'starting':
    case 'awaiting-login':
      return 'pending';
    case 'degraded':
    case 'backoff':
      return 'warn';
    case 'failed':
    case 'needs-action':
    case 'not-configured':
      return 'bad';
    default:
      return 'idle';
  }
}

/** One sentence per state, for the live status of a new account. */
export function stateSentence(state: string | undefined): string {
  switch (state) {
    case 'running':
      return 'Connected and receiving.';
    case 'starting':
      return 'Connecting…';
    case 'awaiting-login':
      return 'Waiting for the QR code to be scanned.';
    case 'degraded':
      return 'Was connected; its connection or sends fail and are being retried.';
    case 'backoff':
      return 'Could not connect yet; retrying with backoff.';
    case 'needs-action':
      return 'Stopped: it needs you (see below).';
    case 'failed':
      return 'Stopped on an error.';
    case 'not-configured':
      return 'Missing the credentials it needs.';
    case 'held-elsewhere':
      return 'Another gateway sharing the store runs it.';
    case 'stopped':
      return 'Stopped.';
    case 'disabled':
      return 'Disabled in the config.';
    default:
      return 'Not started yet.';
  }
}
