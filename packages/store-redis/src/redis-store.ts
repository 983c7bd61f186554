import type { Store } from '@openclaw/gateway-core';
import { Redis } from 'ioredis';
import { keyspace } from './keyspace.ts';
import { redisApprovals } from './redis-approvals.ts';
import { redisAudit } from './redis-audit.ts';
import { redisChannelAccess } from './redis-channel-access.ts';
import type { RedisContext } from './redis-context.ts';
import { redisCron } from './redis-cron.ts';
import { redisDevices, redisDeviceTokens } from './redis-device-repos.ts';
import { redisIdempotency } from './redis-idempotency.ts';
import { redisKv } from './redis-kv.ts';
import { redisLeases } from './redis-leases.ts';
import { redisOutbox } from './redis-outbox.ts';
import { redisNodes, redisPairing } from './redis-pairing-repos.ts';
import { redisRuns } from './redis-runs.ts';
import { redisSessions } from './redis-sessions.ts';
import { redisUsage } from './redis-usage.ts';

export interface RedisStoreOptions {
  /** Where to connect when no `client` is given. Default `redis://127.0.0.1:6379`. */
  url?: string | undefined;
  /** A connection you own. The store uses it as it is and leaves it open on `close()`. */
  client?: Redis | undefined;
  /** Put before every key, so several stores can share one database. Default `oc:`. */
  prefix?: string | undefined;
}

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_PREFIX = 'oc:';

/**
 * The Store on Redis, for several gateways sharing one state. Every promise resolves once Redis
 * has answered the write (how durable that is depends on the server's `appendonly`/`appendfsync`).
 * Changes that must not interleave between gateways (first-wins idempotency, outbox and run
 * dedupe, leases with fencing tokens, resolving only pending requests, session seqs) run as Lua
 * scripts. Needs a standalone Redis (or a primary with replicas); not Redis Cluster, because some
 * scripts reach keys they derive from ids. Tested with Redis 7.0.
 *
 * @example
 * const store = createRedisStore({ url: 'redis://redis.internal:6379/0', prefix: 'oc:prod:' });
 * const { acquired, lease } = await store.leases.acquire('channel:telegram:default', gatewayId, 30_000, Date.now());
 * await store.close();
 */
export function createRedisStore(options: RedisStoreOptions = {}): Store {
  const owned = options.client === undefined;
  const client = options.client ?? new Redis(options.url ?? DEFAULT_REDIS_URL);
  if (owned) {
    // ioredis prints unhandled 'error' events to the console. Callers see failures as rejected
    // store promises and ioredis reconnects by itself; pass your own `client` to observe them.
    client.on('error', () => {});
  }
  const ctx: RedisContext = { client, key: keyspace(options.prefix ?? DEFAULT_REDIS_PREFIX) };
  let closing: Promise<void> | undefined;
  return {
    kind: 'redis',
    devices: redisDevices(ctx),
    deviceTokens: redisDeviceTokens(ctx),
    pairing: redisPairing(ctx),
    nodes: redisNodes(ctx),
    idempotency: redisIdempotency(ctx),
    audit: redisAudit(ctx),
    kv: redisKv(ctx),
    outbox: redisOutbox(ctx),
    channelAccess: redisChannelAccess(ctx),
    leases: redisLeases(ctx),
    sessions: redisSessions(ctx),
    runs: redisRuns(ctx),
    cron: redisCron(ctx),
    approvals: redisApprovals(ctx),
    usage: redisUsage(ctx),
    close() {
      closing ??= owned ? quit(client) : Promise.resolve();
      return closing;
    },
  };
}

/** QUIT lets replies to earlier commands arrive first; a connection that is down is just dropped. */
async function quit(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      await client.quit();
      return;
    } catch {
      // The connection went away meanwhile; disconnect below.
    }
  }
  client.disconnect();
}
