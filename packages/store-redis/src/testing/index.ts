export {
  REDIS_SERVER_MISSING,
  type RedisServer,
  redisServerAvailable,
  type StartRedisServerOptions,
  startRedisServer,
} from './redis-server.ts';
