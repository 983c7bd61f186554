export { type ChannelContractHarness, describeChannelContract } from './channel-contract.ts';
export { describeStoreContract, type StoreFactory } from './store-contract.ts';
