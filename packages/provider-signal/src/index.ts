// The Signal channel's descriptor. Reading it loads neither axios nor ws: create() imports the adapter.
import { defineChannelProvider } from '@openclaw/gateway-core/channel';
import { signalCapabilities } from './capabilities.ts';
import { normalizeSignalId, resolveSignalConfig } from './config.ts';
import { signalConfigSchema } from './config-schema.ts';

export { signalCapabilities } from './capabilities.ts';
export {
  normalizeSignalId,
  resolveSignalConfig,
  type SignalAccountConfig,
  type SignalReceiveMode,
} from './config.ts';
export { type SignalConfigInput, signalConfigSchema } from './config-schema.ts';

/** The Signal channel (through signal-cli-rest-api): `channels.signal` in config. */
export const signalProvider = defineChannelProvider({
  id: 'signal',
  label: 'Signal',
  capabilities: signalCapabilities,
  configSchema: signalConfigSchema,
  libraries: ['axios'],
  resolveConfig: resolveSignalConfig,
  // Users paste `signal:+1 555 …`, numbers with spaces, or uuids in upper case.
  normalizeSenderId: normalizeSignalId,
  create: async (config, accountId) => {
    const { SignalAdapter } = await import('./signal-adapter.ts');
    return new SignalAdapter(config, accountId);
  },
});
