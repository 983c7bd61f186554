// A real core behind a real WebSocket server on 127.0.0.1:0, for integration tests.
import { mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ClientInfo,
  type DeviceIdentity,
  GatewayClient,
  type GatewayClientOptions,
  generateDeviceIdentity,
} from '@openclaw/protocol';
import { WebSocket, WebSocketServer } from 'ws';
import type { ChannelProvider } from '../src/channels/sdk/types.ts';
import { ConfigManager } from '../src/config/config-manager.ts';
import { attachSocket } from '../src/connection/socket-adapter.ts';
import { createGatewayCore, type GatewayCore } from '../src/gateway-core.ts';
import { LogRing } from '../src/logging/log-ring.ts';
import { createLogger } from '../src/logging/logger.ts';
import { SecretScrubber } from '../src/logging/secret-scrubber.ts';
import type { CoreMetricsSink } from '../src/metrics/core-metrics.ts';
import type { HandlerOverrides } from '../src/router/router.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';

export interface Harness {
  core: GatewayCore;
  url: string;
  port: number;
  token: string;
  dir: string;
  ring: LogRing;
  logLines: string[];
  /** Peer address the server will report for the next connections (default loopback). */
  setPeer(peer: {
    remoteAddress: string;
    isLoopback: boolean;
    origin?: string;
    originRejected?: boolean;
  }): void;
  client(
    options?: Omit<Partial<GatewayClientOptions>, 'identity'> & { identity?: DeviceIdentity | null },
  ): Promise<GatewayClient>;
  /** A connected, paired operator client (admin by default). */
  operator(options?: Partial<GatewayClientOptions>): Promise<GatewayClient>;
  /** A raw ws socket, for frame-level tests. */
  raw(): Promise<RawSocket>;
  close(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface RawSocket {
  ws: WebSocket;
  frames: unknown[];
  /** Resolves with the next frame matching the predicate (already received ones count). */
  next(
    predicate?: (f: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  closed: Promise<{ code: number; reason: string }>;
  send(data: unknown): void;
}

export const testClient: ClientInfo = { id: 'test', version: '1.0.0', platform: 'linux', mode: 'test' };

export async function startHarness(
  options: {
    config?: Record<string, unknown>;
    handlers?: HandlerOverrides[];
    token?: string;
    metrics?: CoreMetricsSink;
    /** Channel providers (configured under `channels` in config). */
    providers?: ChannelProvider[];
  } = {},
): Promise<Harness> {
  const dir = await mkdtemp(join(tmpdir(), 'oc-core-'));
  const token = options.token ?? 'test-token-0123456789abcdef';
  const config = ConfigManager.fromObject(join(dir, 'openclaw.json'), {
    limits: { tickIntervalMs: 60_000, ...((options.config?.limits as object) ?? {}) },
    ...Object.fromEntries(Object.entries(options.config ?? {}).filter(([k]) => k !== 'limits')),
  });
  const ring = new LogRing(2000);
  const logLines: string[] = [];
  const scrubber = new SecretScrubber();
  scrubber.set([token]);
  const log = createLogger({
    level: 'debug',
    ring,
    scrubber,
    destination: { write: (l: string) => void logLines.push(l) },
  });
  const store = createSqliteStore({ path: join(dir, 'gateway.db') });
  const core = await createGatewayCore({
    config,
    store,
    log,
    logRing: ring,
    version: '0.0.0-test',
    secrets: () => ({ token: config.current.auth.token ?? token, password: config.current.auth.password }),
    validateResults: true,
    presenceBatchMs: 0,
    handlers: options.handlers ?? [],
    ...(options.metrics ? { metrics: options.metrics } : {}),
    ...(options.providers ? { providers: options.providers, stateDir: dir } : {}),
  });
  let peer: { remoteAddress: string; isLoopback: boolean; origin?: string; originRejected?: boolean } = {
    remoteAddress: '127.0.0.1',
    isLoopback: true,
  };
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  wss.on('connection', (ws) => attachSocket(core, ws, { ...peer }));
  const port = (wss.address() as AddressInfo).port;
  const url = `ws://127.0.0.1:${port}`;
  const clients: GatewayClient[] = [];
  const raws: WebSocket[] = [];

  const harness: Harness = {
    core,
    url,
    port,
    token,
    dir,
    ring,
    logLines,
    setPeer(p) {
      peer = p;
    },
    async client(o = {}) {
      const identity = o.identity === null ? undefined : (o.identity ?? (await generateDeviceIdentity()));
      const opts: GatewayClientOptions = {
        url,
        WebSocket: WebSocket as unknown as GatewayClientOptions['WebSocket'],
        client: testClient,
        auth: { token },
        reconnect: false,
        ...o,
      } as GatewayClientOptions;
      if (identity) opts.identity = identity;
      else delete (opts as { identity?: unknown }).identity;
      const c = new GatewayClient(opts);
      clients.push(c);
      return c;
    },
    async operator(o = {}) {
      const c = await harness.client({ scopes: ['operator.admin'], ...o });
      await c.connect();
      return c;
    },
    async raw() {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      raws.push(ws);
      const frames: unknown[] = [];
      const waiters: {
        pred: (f: Record<string, unknown>) => boolean;
        resolve: (f: Record<string, unknown>) => void;
      }[] = [];
      let consumed = 0;
      ws.on('message', (data) => {
        let f: unknown;
        try {
          f = JSON.parse(String(data));
        } catch {
          return;
        }
        frames.push(f);
        for (const w of [...waiters]) {
          if (w.pred(f as Record<string, unknown>)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(f as Record<string, unknown>);
            return;
          }
        }
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        ws.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return {
        ws,
        frames,
        closed,
        send: (d) => ws.send(typeof d === 'string' ? d : JSON.stringify(d)),
        next(pred = () => true, timeoutMs = 5000) {
          for (let i = consumed; i < frames.length; i++) {
            const f = frames[i] as Record<string, unknown>;
            if (pred(f)) {
              consumed = i + 1;
              return Promise.resolve(f);
            }
          }
          return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('timed out waiting for a frame')), timeoutMs);
            waiters.push({
              pred,
              resolve: (f) => {
                clearTimeout(timer);
                consumed = frames.length;
                resolve(f);
              },
            });
          });
        },
      };
    },
    async close() {
      for (const c of clients) await c.close();
      for (const r of raws) r.terminate();
      await core.close();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await rm(dir, { recursive: true, force: true });
    },
    [Symbol.asyncDispose]() {
      return harness.close();
    },
  };
  return harness;
}

/** Poll until `fn` returns a truthy value or the deadline passes. */
export async function eventually<T>(
  fn: () => T | Promise<T>,
  timeoutMs = 5000,
  intervalMs = 10,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export interface RawConnectOptions {
  identity?: DeviceIdentity | null;
  role?: string;
  scopes?: string[];
  auth?: Record<string, string>;
  client?: Partial<ClientInfo>;
  minProtocol?: number;
  maxProtocol?: number;
  /** Change the signed proof before sending (bad signature tests). */
  mutateDevice?: (device: Record<string, unknown>) => void;
  /** Sign this challenge instead of the socket's own (replayed nonce, stale signature tests). */
  challenge?:
    | { nonce: string; ts: number }
    | ((own: { nonce: string; ts: number }) => { nonce: string; ts: number });
  extra?: Record<string, unknown>;
}

/** Wait for the challenge on a raw socket, send a (possibly tampered) signed connect, return the response. */
export async function rawConnect(
  raw: RawSocket,
  token: string,
  o: RawConnectOptions = {},
): Promise<{ response: Record<string, unknown>; challenge: { nonce: string; ts: number } }> {
  const { createDeviceProof } = await import('@openclaw/protocol');
  const ch = (await raw.next((f) => f.event === 'connect.challenge')).payload as {
    nonce: string;
    ts: number;
  };
  const challenge = typeof o.challenge === 'function' ? o.challenge(ch) : (o.challenge ?? ch);
  const client = { ...testClient, ...o.client } as ClientInfo;
  const role = o.role ?? 'operator';
  const scopes = o.scopes ?? ['operator.read'];
  const auth = o.auth ?? { token };
  const params: Record<string, unknown> = {
    minProtocol: o.minProtocol ?? 4,
    maxProtocol: o.maxProtocol ?? 4,
    client,
    role,
    scopes,
    auth,
    ...o.extra,
  };
  const identity = o.identity === null ? undefined : (o.identity ?? (await generateDeviceIdentity()));
  if (identity) {
    const device = (await createDeviceProof({
      identity,
      challenge,
      client,
      role,
      scopes,
      token: auth.token ?? auth.deviceToken ?? auth.password,
    })) as unknown as Record<string, unknown>;
    o.mutateDevice?.(device);
    params.device = device;
  }
  raw.send({ type: 'req', id: 'c1', method: 'connect', params });
  const response = await raw.next((f) => f.type === 'res' && f.id === 'c1');
  return { response, challenge: ch };
}
