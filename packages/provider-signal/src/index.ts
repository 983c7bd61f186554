import type { ChannelProvider } from '@openclaw/gateway-core/channel';
import { normalizeSignalId, parseSignalConfig, type SignalAccountConfig } from './config.ts';
import { signalConfigSchema } from './config-schema.ts';
import { SignalAdapter, signalCapabilities } from './signal-adapter.ts';

export { AuthorCache } from './author-cache.ts';
export {
  normalizeSignalId,
  parseSignalConfig,
  type SignalAccountConfig,
  type SignalReceiveMode,
} from './config.ts';
export { type SignalConfigInput, signalConfigSchema } from './config-schema.ts';
export { groupChatId, normalizeEnvelope, type SignalReceiveItem } from './normalize.ts';
export {
  classifySendError,
  classifySignalError,
  dataUri,
  SignalAdapter,
  signalCapabilities,
} from './signal-adapter.ts';
export { SignalHttpError } from './signal-api.ts';

/** The Signal channel (through signal-cli-rest-api): `channels.signal` in config. */
export const signalProvider: ChannelProvider<SignalAccountConfig> = {
  id: 'signal',
  label: 'Signal',
  capabilities: signalCapabilities,
  configSchema: signalConfigSchema,
  parseAccountConfig: parseSignalConfig,
  isConfigured: (c) => c.baseUrl.length > 0 && c.number.length > 0,
  create: (config, accountId) => new SignalAdapter(config, accountId),
  // Users paste `signal:+1 555 …`, numbers with spaces, or uuids in upper case.
  normalizeSenderId: normalizeSignalId,
};
