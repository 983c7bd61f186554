export { createMemoryStore } from './memory-store.ts';
export { applyMigrations, type Migration, migrations, StoreVersionError } from './sqlite-migrations.ts';
export {
  createSqliteStore,
  type SqliteDurability,
  type SqliteStore,
  type SqliteStoreOptions,
} from './sqlite-store.ts';
export type * from './types.ts';
