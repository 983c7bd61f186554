import { describeStoreContract } from '../testing/store-contract.ts';
import { createMemoryStore } from './memory-store.ts';

describeStoreContract('memory', async () => ({ store: createMemoryStore(), cleanup: async () => {} }));
