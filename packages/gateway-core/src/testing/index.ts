export {
  type ChannelContractHarness,
  describeChannelContract,
  type PlatformTextLimit,
} from './channel-contract.ts';
export { queuedOutboxRecord } from './outbox-record.ts';
export { quietChannelLogger, type RecordingContext, recordingContext } from './recording-context.ts';
export { type Script, type ScriptState, scriptedProvider } from './scripted-provider.ts';
export { describeStoreContract, type StoreFactory } from './store-contract.ts';
export { COUNTED_KEYS, expectedCounts, plainCounts } from './store-contract-session-counts.ts';
