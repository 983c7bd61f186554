import { credentialMarks, credentialNeeded } from '@openclaw/protocol';
import type { Static, TObject } from '@sinclair/typebox';
import { checkAccountConfig } from './check-account-config.ts';
import type { ChannelAdapter, ChannelCapabilities, ChannelProvider } from './types.ts';

/**
 * A checked account config (Static of the schema) whose keys `K` have a schema `default`: the
 * check applied it, so resolveConfig reads them as present instead of repeating the default.
 */
export type WithDefaults<T, K extends keyof T> = T & { [P in K]-?: Exclude<T[P], undefined> };

/** What a provider package writes down about its platform; see defineChannelProvider. */
export interface ChannelProviderDefinition<Schema extends TObject, Config> {
  /** Channel id: the key under `channels` in config (telegram, slack, …). */
  id: string;
  /** What operators read: status, the Control UI, the docs. */
  label: string;
  capabilities: ChannelCapabilities;
  /**
   * One account's provider keys as a TypeBox schema: every key optional, secrets marked
   * (SecretString / SecretUrl), the keys an account cannot connect without marked `credential`,
   * unknown keys refused (`additionalProperties: false`).
   */
  configSchema: Schema;
  /** The platform libraries `create` loads (npm names): the gateway names them when one is missing. */
  libraries?: readonly string[];
  /**
   * One account's config once it passed `configSchema` (defaults applied) → what `create` gets:
   * env fallbacks, token files, rules across keys (throw AccountConfigError naming the key).
   * Without it, `create` gets the checked config.
   */
  resolveConfig?(config: Static<Schema>, accountId: string): Config;
  /** Whether an account can connect. Default: every top-level `credential` key it needs is set. */
  isConfigured?(config: Config): boolean;
  /** An allowFrom entry as the platform's sender ids read (strip `tg:`, `@`, spaces, …). */
  normalizeSenderId?(entry: string): string;
  /**
   * A new adapter for one account. Load the platform library here, with `await import(…)` of the
   * adapter module: the module that calls defineChannelProvider must not load it, so the gateway
   * can read every descriptor (its schema, its capabilities) at start-up for free.
   */
  create(config: Config, accountId: string): ChannelAdapter | Promise<ChannelAdapter>;
}

/**
 * A provider package's one export: its platform described, for the core to run.
 *
 * @example
 * export const echoProvider = defineChannelProvider({
 *   id: 'echo',
 *   label: 'Echo',
 *   capabilities: echoCapabilities,
 *   configSchema: Type.Object({ url: Type.Optional(SecretUrl(credential({}))) }, { additionalProperties: false }),
 *   libraries: ['echo-sdk'],
 *   create: async (config, accountId) => new (await import('./echo-adapter.ts')).EchoAdapter(config, accountId),
 * });
 */
export function defineChannelProvider<Schema extends TObject, Config = Static<Schema>>(
  definition: ChannelProviderDefinition<Schema, Config>,
): ChannelProvider<Config> {
  const { configSchema, resolveConfig, normalizeSenderId } = definition;
  const credentials = credentialMarks(configSchema)
    .filter(({ path }) => path.length === 1)
    .map(({ path, mark }) => ({ key: path[0]!, mark }));
  const provider: ChannelProvider<Config> = {
    id: definition.id,
    label: definition.label,
    capabilities: definition.capabilities,
    configSchema,
    libraries: definition.libraries ?? [],
    parseAccountConfig(raw, accountId) {
      const checked = checkAccountConfig(configSchema, raw);
      return resolveConfig ? resolveConfig(checked, accountId) : (checked as Config);
    },
    isConfigured:
      definition.isConfigured ??
      ((config) =>
        credentials.every(({ key, mark }) => {
          const values = config as Record<string, unknown>;
          const value = values[key];
          return !credentialNeeded(mark, values) || (value !== undefined && value !== null && value !== '');
        })),
    create: (config, accountId) => definition.create(config, accountId),
  };
  if (normalizeSenderId) provider.normalizeSenderId = normalizeSenderId;
  return provider;
}
