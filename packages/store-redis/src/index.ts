export { connectClusterStore, StoreUnavailableError } from './fail-fast-store.ts';
export { RedisClusterLink, type RedisClusterLinkOptions } from './redis-cluster-link.ts';
export {
  createRedisStore,
  DEFAULT_REDIS_PREFIX,
  DEFAULT_REDIS_URL,
  type RedisStoreOptions,
} from './redis-store.ts';
export { RedisStoreError, type RedisStoreErrorCode } from './redis-store-error.ts';
