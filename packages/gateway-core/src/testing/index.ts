export { describeStoreContract, type StoreFactory } from './store-contract.ts';
