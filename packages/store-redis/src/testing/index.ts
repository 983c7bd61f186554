export {
  REDIS_SERVER_MISSING,
  type RedisServer,
  type StartRedisServerOptions,
  startRedisServer,
} from './redis-server.ts';
