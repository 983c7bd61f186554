// The descriptor: the package's one export. The adapter (and any platform library with it) is
// imported by create(), never by this module.
import { defineChannelProvider, type WithDefaults } from '@openclaw/gateway-core/channel';
import { relayCapabilities } from './capabilities.ts';
import { type RelayConfigInput, relayConfigSchema } from './config-schema.ts';

export interface RelayAccountConfig {
  url: string;
  token: string;
  holdMs: number;
  retryMs: number;
}

export const relayProvider = defineChannelProvider({
  id: 'relay',
  label: 'Relay',
  capabilities: relayCapabilities,
  configSchema: relayConfigSchema,
  resolveConfig: (c: WithDefaults<RelayConfigInput, 'holdMs' | 'retryMs'>): RelayAccountConfig => ({
    url: (c.url ?? '').replace(/\/+$/, ''),
    token: c.token ?? '',
    holdMs: c.holdMs,
    retryMs: c.retryMs,
  }),
  normalizeSenderId: (entry) => entry.trim().replace(/^relay:/i, ''),
  create: async (config, accountId) => {
    const { RelayAdapter } = await import('./relay-adapter.ts');
    return new RelayAdapter(config, accountId);
  },
});
