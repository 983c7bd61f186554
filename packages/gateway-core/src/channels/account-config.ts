import { configChecker } from '@openclaw/protocol';
import type { TObject } from '@sinclair/typebox';
import { CORE_ACCOUNT_KEYS, channelConfigSchema } from './account-schema.ts';
import { AccountConfigError } from './sdk/errors.ts';
import type { ChannelProvider } from './sdk/types.ts';

export type DmPolicy = 'pairing' | 'allowlist' | 'open' | 'disabled';
export type GroupPolicy = 'open' | 'allowlist' | 'disabled';

/** What the core itself reads from an account's config; the rest belongs to the provider. */
export interface CoreAccountConfig {
  accountId: string;
  name?: string | undefined;
  enabled: boolean;
  dmPolicy: DmPolicy;
  allowFrom: string[];
  groupPolicy: GroupPolicy;
  /** Groups (chat ids) allowed under groupPolicy allowlist. */
  groupAllowFrom: string[];
  requireMention: boolean;
  /** Per-group overrides. */
  groups: Record<string, { requireMention?: boolean; enabled?: boolean }>;
  /** Lower than the platform limit, never higher. */
  textChunkLimit?: number | undefined;
  pacing?: { perChatMs: number; perAccountMs: number } | undefined;
  /** Concurrent chats being sent to. */
  sendConcurrency: number;
}

export interface ResolvedAccount {
  channel: string;
  core: CoreAccountConfig;
  /** The provider's parsed config. */
  provider: Record<string, unknown>;
  configured: boolean;
}

export class ChannelConfigError extends Error {
  override name = 'ChannelConfigError';
  readonly code = 'CHANNEL_CONFIG_INVALID';
}

const sectionSchemas = new WeakMap<TObject, TObject>();

/** `channels.<id>` checked against the core's and the provider's schema; the error names the key. */
function checkSection(channel: string, raw: Record<string, unknown>, provider: ChannelProvider): void {
  let schema = sectionSchemas.get(provider.configSchema);
  if (!schema) {
    schema = channelConfigSchema(provider.configSchema, provider.label);
    sectionSchemas.set(provider.configSchema, schema);
  }
  const checker = configChecker(schema);
  if (checker.check(raw)) return;
  const issue = checker.issues(raw, `channels.${channel}`, 1)[0];
  throw new ChannelConfigError(`${issue?.path ?? `channels.${channel}`}: ${issue?.message ?? 'invalid'}`);
}

/**
 * One account's provider keys through the provider's parser (its schema, then env fallbacks,
 * files, rules across keys). Errors are prefixed with the account's config path.
 */
export function parseProviderAccount(
  provider: ChannelProvider,
  raw: Record<string, unknown>,
  accountId: string,
  path: string,
): unknown {
  try {
    return provider.parseAccountConfig(raw, accountId);
  } catch (error) {
    if (error instanceof AccountConfigError)
      throw new ChannelConfigError(`${error.key ? `${path}.${error.key}` : path}: ${error.reason}`);
    throw new ChannelConfigError(`${path}: ${(error as Error).message}`);
  }
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function strings(v: unknown, path: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ChannelConfigError(`${path} must be a list`);
  return v.map((x) => String(x));
}

function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T, path: string): T {
  if (v === undefined) return fallback;
  if (typeof v === 'string' && (allowed as readonly string[]).includes(v)) return v as T;
  throw new ChannelConfigError(`${path} must be one of ${allowed.join(', ')}`);
}

/**
 * `channels.<id>` is either one account (the `default`) or `{ …shared, accounts: { <id>: {…} } }`,
 * where each account inherits the shared keys. Returns every account with core and provider parts.
 */
export function resolveAccounts(channel: string, raw: unknown, provider: ChannelProvider): ResolvedAccount[] {
  if (raw === undefined || raw === null) return [];
  if (!isObj(raw)) throw new ChannelConfigError(`channels.${channel} must be an object`);
  checkSection(channel, raw, provider);
  const { accounts, ...shared } = raw;
  const entries: [string, Record<string, unknown>][] = isObj(accounts)
    ? Object.entries(accounts).map(([id, a]) => {
        if (!isObj(a)) throw new ChannelConfigError(`channels.${channel}.accounts.${id} must be an object`);
        return [id, { ...shared, ...a }];
      })
    : [['default', shared]];
  return entries.map(([accountId, merged]) => {
    const path = isObj(accounts) ? `channels.${channel}.accounts.${accountId}` : `channels.${channel}`;
    const normalize = (s: string) => provider.normalizeSenderId?.(s) ?? s;
    const core: CoreAccountConfig = {
      accountId,
      name: typeof merged.name === 'string' ? merged.name : undefined,
      enabled: merged.enabled !== false,
      dmPolicy: oneOf(
        merged.dmPolicy,
        ['pairing', 'allowlist', 'open', 'disabled'] as const,
        'pairing',
        `${path}.dmPolicy`,
      ),
      allowFrom: strings(merged.allowFrom, `${path}.allowFrom`).map((s) => (s === '*' ? s : normalize(s))),
      // Secure by default, as DMs are: the bot answers in a group only once that group is allowed.
      groupPolicy: oneOf(
        merged.groupPolicy,
        ['open', 'allowlist', 'disabled'] as const,
        'allowlist',
        `${path}.groupPolicy`,
      ),
      groupAllowFrom: strings(merged.groupAllowFrom, `${path}.groupAllowFrom`),
      requireMention: merged.requireMention !== false,
      groups: isObj(merged.groups) ? (merged.groups as CoreAccountConfig['groups']) : {},
      textChunkLimit: typeof merged.textChunkLimit === 'number' ? merged.textChunkLimit : undefined,
      pacing: isObj(merged.pacing)
        ? {
            perChatMs: Number(merged.pacing.perChatMs ?? 0),
            perAccountMs: Number(merged.pacing.perAccountMs ?? 0),
          }
        : undefined,
      sendConcurrency: typeof merged.sendConcurrency === 'number' ? Math.max(1, merged.sendConcurrency) : 8,
    };
    const providerRaw = Object.fromEntries(Object.entries(merged).filter(([k]) => !CORE_ACCOUNT_KEYS.has(k)));
    const parsed = parseProviderAccount(provider, providerRaw, accountId, path) as Record<string, unknown>;
    return { channel, core, provider: parsed, configured: provider.isConfigured(parsed) };
  });
}
