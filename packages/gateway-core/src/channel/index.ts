// What a provider package needs from the core: the adapter contract, its errors, and the chunker.
export { chunkText, measure } from './chunker.ts';
export { NonRetryableChannelError, PermanentSendError, RateLimitedError } from './errors.ts';
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
  InboundEnvelope,
  InboundMedia,
  LoginState,
  OutboundMedia,
  OutboundMessage,
  SendReceipt,
  TextUnit,
  WebhookRegistrar,
} from './types.ts';
