export { createMemoryStore } from './memory-store.ts';
export { agentIdInKey, keyAgentBucket, NO_KEY_AGENT } from './session-key-agent.ts';
export { checkSqliteIntegrity, type IntegrityResult } from './sqlite-integrity.ts';
export { applyMigrations, type Migration, migrations, StoreVersionError } from './sqlite-migrations.ts';
export {
  createSqliteStore,
  type SqliteDurability,
  type SqliteStore,
  type SqliteStoreOptions,
} from './sqlite-store.ts';
export {
  classifyStoreError,
  StoreFailingError,
  type StoreFailure,
  type StoreFailureKind,
  StoreUnavailableError,
} from './store-failure.ts';
export { type StoreFailingState, StoreHealth } from './store-health.ts';
export type * from './types.ts';
export { USAGE_BUCKET_MS, usageBuckets } from './usage-buckets.ts';
export type { WalCheckpointStats } from './wal-checkpointer.ts';
