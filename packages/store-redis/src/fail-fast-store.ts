import { type Store, StoreUnavailableError } from '@openclaw/gateway-core';
import { Redis, type RedisOptions } from 'ioredis';
import { createRedisStore } from './redis-store.ts';

export { StoreUnavailableError };

/**
 * The store a gateway in a cluster runs on: its own connection that never queues commands while
 * Redis is down (callers are refused at once with STORE_UNAVAILABLE instead of hanging), and
 * reconnects by itself. Resolves once Redis answered, so a gateway does not start blind.
 */
export async function connectClusterStore(options: {
  url: string;
  prefix?: string | undefined;
  redisOptions?: RedisOptions;
}): Promise<{ store: Store; client: Redis; healthy(): boolean }> {
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(100 * times, 2000),
    lazyConnect: true,
    connectionName: 'oc-store',
    ...options.redisOptions,
  });
  // Failures reach callers as rejected promises; the health check reports the outage once.
  client.on('error', () => {});
  await client.connect();
  const inner = createRedisStore({ client, prefix: options.prefix });
  const healthy = () => client.status === 'ready';
  const guard = <T extends object>(repo: T): T =>
    new Proxy(repo, {
      get(target, prop, receiver) {
        const v = Reflect.get(target, prop, receiver) as unknown;
        if (typeof v !== 'function') return v;
        return (...args: unknown[]) => {
          if (!healthy()) return Promise.reject(new StoreUnavailableError('redis is unreachable'));
          return (v as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch((error: unknown) => {
            throw healthy()
              ? error
              : new StoreUnavailableError(`redis is unreachable: ${(error as Error).message}`, error);
          });
        };
      },
    });
  const store: Store = {
    kind: 'redis',
    devices: guard(inner.devices),
    deviceTokens: guard(inner.deviceTokens),
    pairing: guard(inner.pairing),
    nodes: guard(inner.nodes),
    idempotency: guard(inner.idempotency),
    audit: guard(inner.audit),
    kv: guard(inner.kv),
    outbox: guard(inner.outbox),
    channelAccess: guard(inner.channelAccess),
    leases: guard(inner.leases),
    sessions: guard(inner.sessions),
    runs: guard(inner.runs),
    cron: guard(inner.cron),
    approvals: guard(inner.approvals),
    usage: guard(inner.usage),
    async close() {
      await inner.close();
      client.disconnect();
    },
  };
  return { store, client, healthy };
}
