import type { ClusterLink, ClusterMessage } from '@openclaw/gateway-core';
import type { PresenceEntry } from '@openclaw/protocol';
import { Redis, type RedisOptions } from 'ioredis';

export interface RedisClusterLinkOptions {
  url: string;
  gatewayId: string;
  /** Key and channel prefix (one cluster per prefix). */
  prefix?: string;
  /** How long this gateway's presence rows live without a refresh (ms). */
  presenceTtlMs?: number;
  redisOptions?: RedisOptions;
}

/**
 * The cluster link on Redis: pub/sub for broadcasts and per-gateway inboxes, and a TTL'd key per
 * gateway for its presence rows (a dead gateway's rows expire on their own). Two connections,
 * because a subscribed Redis connection can do nothing else. Commands fail fast while Redis is
 * down (no offline queue): callers get a retryable error instead of waiting forever.
 */
export class RedisClusterLink implements ClusterLink {
  readonly gatewayId: string;
  readonly #prefix: string;
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #ttl: number;
  readonly #handlers: ((m: ClusterMessage) => void)[] = [];
  readonly #health: ((ok: boolean) => void)[] = [];
  #rows: PresenceEntry[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #healthy = false;
  #closed = false;

  private constructor(o: RedisClusterLinkOptions) {
    this.gatewayId = o.gatewayId;
    this.#prefix = o.prefix ?? 'oc:';
    this.#ttl = o.presenceTtlMs ?? 15_000;
    const opts: RedisOptions = {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      // Keep trying to come back, a little slower each time, never slower than every 2 s.
      retryStrategy: (times) => Math.min(100 * times, 2000),
      lazyConnect: true,
      ...o.redisOptions,
    };
    this.#pub = new Redis(o.url, { ...opts, connectionName: `oc-pub-${o.gatewayId}` });
    this.#sub = new Redis(o.url, { ...opts, connectionName: `oc-sub-${o.gatewayId}` });
  }

  /** Connects both connections and subscribes; rejects if Redis is not reachable now. */
  static async connect(o: RedisClusterLinkOptions): Promise<RedisClusterLink> {
    const link = new RedisClusterLink(o);
    await link.#start();
    return link;
  }

  get #bus(): string {
    return `${this.#prefix}bus`;
  }

  get #inbox(): string {
    return `${this.#prefix}inbox:${this.gatewayId}`;
  }

  async #start(): Promise<void> {
    for (const c of [this.#pub, this.#sub]) {
      c.on('ready', () => this.#checkHealth());
      c.on('close', () => this.#checkHealth());
      c.on('end', () => this.#checkHealth());
      // ioredis reports connection errors here; the health state says the same, once.
      c.on('error', () => this.#checkHealth());
    }
    this.#sub.on('messageBuffer', (_channel: Buffer, data: Buffer) => this.#dispatch(data));
    await Promise.all([this.#pub.connect(), this.#sub.connect()]);
    // ioredis re-subscribes by itself after a reconnect.
    await this.#sub.subscribe(this.#bus, this.#inbox);
    this.#timer = setInterval(() => void this.#refreshPresence(), Math.max(500, Math.floor(this.#ttl / 3)));
    this.#timer.unref?.();
    this.#checkHealth();
  }

  async send(m: Omit<ClusterMessage, 'from'>): Promise<void> {
    if (!this.#healthy) throw new Error('redis is unreachable');
    const payload = JSON.stringify({ ...m, from: this.gatewayId });
    await this.#pub.publish(m.to ? `${this.#prefix}inbox:${m.to}` : this.#bus, payload);
  }

  onMessage(handler: (message: ClusterMessage) => void): void {
    this.#handlers.push(handler);
  }

  async setPresence(entries: PresenceEntry[]): Promise<void> {
    this.#rows = entries;
    await this.#refreshPresence();
  }

  async presence(): Promise<Map<string, PresenceEntry[]>> {
    const out = new Map<string, PresenceEntry[]>();
    const now = Date.now();
    const members = await this.#pub.zrangebyscore(`${this.#prefix}gateways`, now, '+inf');
    if (members.length === 0) return out;
    const values = await this.#pub.mget(...members.map((g) => `${this.#prefix}presence:${g}`));
    members.forEach((g, i) => {
      const v = values[i];
      if (v) out.set(g, JSON.parse(v) as PresenceEntry[]);
    });
    return out;
  }

  healthy(): boolean {
    return this.#healthy;
  }

  onHealthChange(handler: (healthy: boolean) => void): void {
    this.#health.push(handler);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer) clearInterval(this.#timer);
    try {
      if (this.#healthy) {
        await this.#pub.del(`${this.#prefix}presence:${this.gatewayId}`);
        await this.#pub.zrem(`${this.#prefix}gateways`, this.gatewayId);
      }
    } catch {
      // best effort: the rows expire anyway
    }
    this.#pub.disconnect();
    this.#sub.disconnect();
  }

  async #refreshPresence(): Promise<void> {
    if (!this.#healthy || this.#closed) return;
    const expires = Date.now() + this.#ttl;
    await this.#pub
      .multi()
      .set(`${this.#prefix}presence:${this.gatewayId}`, JSON.stringify(this.#rows), 'PX', this.#ttl)
      .zadd(`${this.#prefix}gateways`, expires, this.gatewayId)
      .zremrangebyscore(`${this.#prefix}gateways`, '-inf', Date.now())
      .exec()
      .catch(() => {});
  }

  #dispatch(data: Buffer): void {
    let m: ClusterMessage;
    try {
      m = JSON.parse(data.toString('utf8')) as ClusterMessage;
    } catch {
      return;
    }
    if (m.from === this.gatewayId) return;
    for (const h of this.#handlers) {
      try {
        h(m);
      } catch {
        // one bad handler must not stop the others
      }
    }
  }

  #checkHealth(): void {
    const ok = !this.#closed && this.#pub.status === 'ready' && this.#sub.status === 'ready';
    if (ok === this.#healthy) return;
    this.#healthy = ok;
    if (ok) void this.#refreshPresence();
    for (const h of this.#health) h(ok);
  }
}
