// What a provider package needs from the core: its descriptor (defineChannelProvider), the adapter
// contract, its errors, the chunker, and the marks for its config schema (secrets, credentials).
export { type CredentialCondition, credential, REDACTED, SecretString, SecretUrl } from '@openclaw/protocol';
export { checkAccountConfig } from './check-account-config.ts';
export { chunkText, measure } from './chunker.ts';
export {
  type ChannelProviderDefinition,
  defineChannelProvider,
  type WithDefaults,
} from './define-channel-provider.ts';
export {
  AccountConfigError,
  NonRetryableChannelError,
  PermanentSendError,
  RateLimitedError,
} from './errors.ts';
export { mediaBlob, mediaBytes, mediaFileName, mediaKindOf, mediaSize, mediaStream } from './media-source.ts';
export { pause, settleWithin } from './timing.ts';
export type {
  AccountState,
  AdapterContext,
  AdapterStatusPatch,
  ChannelAdapter,
  ChannelCapabilities,
  ChannelLogger,
  ChannelProvider,
  ChatKind,
  ChatSpace,
  InboundEnvelope,
  InboundMedia,
  InboundUpdate,
  LoginState,
  MediaKind,
  OutboundMedia,
  OutboundMessage,
  SendReceipt,
  TextUnit,
  WebhookRegistrar,
} from './types.ts';
