import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer, type WebSocket as WsSocket } from 'ws';
import { buildDeviceAuthPayloadV3, generateDeviceIdentity, verifyDevicePayload } from '../device-identity.ts';
import { GatewayRequestError } from '../errors.ts';
import type { ConnectParams, HelloOk } from '../schema/connect.ts';
import { GatewayClient, type GatewayClientOptions } from './gateway-client.ts';
import type { WebSocketConstructor } from './websocket-like.ts';

/** A small in-test gateway: challenge, signed connect, hello-ok, scripted answers and events. */
class FakeGateway {
  readonly wss: WebSocketServer;
  readonly connects: ConnectParams[] = [];
  readonly requests: { method: string; params: unknown }[] = [];
  sockets: WsSocket[] = [];
  tickIntervalMs = 60_000;
  capabilities: string[] = [];
  connectError: { code: string; message: string; details?: unknown } | undefined;
  deviceToken: string | undefined;
  /** Per method: return a payload, or undefined to never answer. */
  handlers: Record<string, (params: unknown, ws: WsSocket) => unknown> = {
    health: () => ({ ok: true }),
  };
  seq = new Map<WsSocket, number>();
  connIds = 0;

  constructor() {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    this.wss.on('connection', (ws) => this.#onConnection(ws));
  }

  get url(): string {
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  async ready(): Promise<void> {
    if ((this.wss.address() as AddressInfo | null)?.port) return;
    await new Promise<void>((r) => this.wss.once('listening', () => r()));
  }

  #onConnection(ws: WsSocket): void {
    this.sockets.push(ws);
    const nonce = `n${this.sockets.length}`;
    const ts = Date.now();
    let authed = false;
    ws.send(JSON.stringify({ type: 'event', event: 'connect.challenge', payload: { nonce, ts } }));
    ws.on('message', async (data) => {
      const f = JSON.parse(String(data)) as { id: string; method: string; params: unknown };
      if (!authed) {
        const p = f.params as ConnectParams;
        this.connects.push(p);
        const d = p.device!;
        const payload = buildDeviceAuthPayloadV3({
          deviceId: d.id,
          clientId: p.client.id,
          clientMode: p.client.mode,
          role: p.role ?? 'operator',
          scopes: p.scopes ?? [],
          signedAtMs: d.signedAt,
          token: p.auth?.token ?? p.auth?.deviceToken ?? '',
          nonce: d.nonce,
          platform: p.client.platform,
          deviceFamily: p.client.deviceFamily,
        });
        const good =
          d.nonce === nonce &&
          d.signedAt === ts &&
          (await verifyDevicePayload(d.publicKey, payload, d.signature));
        if (!good || this.connectError) {
          const error = this.connectError ?? {
            code: 'INVALID_REQUEST',
            message: 'bad signature',
            details: { code: 'DEVICE_AUTH_SIGNATURE_INVALID' },
          };
          ws.send(JSON.stringify({ type: 'res', id: f.id, ok: false, error }));
          ws.close(1008, 'nope');
          return;
        }
        authed = true;
        const hello: HelloOk = {
          type: 'hello-ok',
          protocol: 4,
          server: { version: '1.0.0', connId: `c${++this.connIds}` },
          features: {
            methods: Object.keys(this.handlers),
            events: ['tick'],
            capabilities: this.capabilities,
          },
          snapshot: {
            presence: [],
            health: {
              ok: true,
              ts: 1,
              durationMs: 0,
              eventLoop: {
                degraded: false,
                reasons: [],
                intervalMs: 1,
                delayP99Ms: 0,
                delayMaxMs: 0,
                utilization: 0,
                cpuCoreRatio: 0,
              },
              channels: {},
              channelOrder: [],
              channelLabels: {},
              heartbeatSeconds: 0,
            },
            stateVersion: { presence: 0, health: 0 },
            uptimeMs: 1,
          },
          auth: { role: 'operator', scopes: p.scopes ?? [] },
          policy: { maxPayload: 1 << 20, maxBufferedBytes: 1 << 20, tickIntervalMs: this.tickIntervalMs },
        };
        if (this.deviceToken) hello.auth.deviceToken = this.deviceToken;
        ws.send(JSON.stringify({ type: 'res', id: f.id, ok: true, payload: hello }));
        const resume = p.resume;
        if (resume && this.capabilities.includes('event-resume-v1')) this.seq.set(ws, resume.lastSeq);
        this.event(ws, 'tick', { ts: Date.now() });
        return;
      }
      this.requests.push({ method: f.method, params: f.params });
      const h = this.handlers[f.method];
      if (!h) {
        ws.send(
          JSON.stringify({
            type: 'res',
            id: f.id,
            ok: false,
            error: { code: 'INVALID_REQUEST', message: 'unknown', details: { code: 'METHOD_UNKNOWN' } },
          }),
        );
        return;
      }
      const out = h(f.params, ws);
      if (out !== undefined) ws.send(JSON.stringify({ type: 'res', id: f.id, ok: true, payload: out }));
    });
  }

  event(ws: WsSocket, event: string, payload: unknown, seq?: number): void {
    const s = seq ?? (this.seq.get(ws) ?? 0) + 1;
    this.seq.set(ws, s);
    ws.send(JSON.stringify({ type: 'event', event, payload, seq: s }));
  }

  get last(): WsSocket {
    return this.sockets.at(-1)!;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.terminate();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }
}

let gw: FakeGateway | undefined;
const clients: GatewayClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
  await gw?.close();
  gw = undefined;
});

async function setup(
  extra: Partial<GatewayClientOptions> = {},
): Promise<{ gw: FakeGateway; client: GatewayClient }> {
  gw = new FakeGateway();
  await gw.ready();
  const client = new GatewayClient({
    url: gw.url,
    WebSocket: WebSocket as unknown as WebSocketConstructor,
    client: { id: 'test', version: '1', platform: 'linux', mode: 'test' },
    identity: await generateDeviceIdentity(),
    auth: { token: 'secret' },
    reconnect: { initialDelayMs: 20, maxDelayMs: 100 },
    ...extra,
  });
  clients.push(client);
  return { gw, client };
}

function waitFor<T>(register: (resolve: (v: T) => void) => void, timeoutMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
    register((v) => {
      clearTimeout(timer);
      resolve(v);
    });
  });
}

describe('GatewayClient', () => {
  it('answers the challenge with a signed connect and resolves with hello-ok', async () => {
    const tokens: string[] = [];
    const { gw, client } = await setup({ onDeviceToken: (t) => void tokens.push(t) });
    gw.deviceToken = 'issued-device-token';
    const hello = await client.connect();
    expect(hello.type).toBe('hello-ok');
    expect(gw.connects[0]?.auth?.token).toBe('secret');
    expect(gw.connects[0]?.role).toBe('operator');
    expect(tokens).toEqual(['issued-device-token']);
    expect(client.deviceToken).toBe('issued-device-token');
  });

  it('sends typed requests and resolves with the result', async () => {
    const { gw, client } = await setup();
    gw.handlers['logs.tail'] = (p) => ({ file: 'f', cursor: 9, size: 1, lines: [JSON.stringify(p)] });
    const r = await client.request('logs.tail', { limit: 3 });
    expect(r.cursor).toBe(9);
    expect(r.lines).toEqual(['{"limit":3}']);
  });

  it('fails a request that outlives its timeout with TIMEOUT', async () => {
    const { gw, client } = await setup();
    gw.handlers.status = () => undefined;
    await client.connect();
    const e = await client.request('status', undefined, { timeoutMs: 50 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(GatewayRequestError);
    expect((e as GatewayRequestError).code).toBe('TIMEOUT');
  });

  it('surfaces a connect failure as a typed error and does not loop', async () => {
    const { gw, client } = await setup();
    gw.connectError = {
      code: 'INVALID_REQUEST',
      message: 'gateway token mismatch',
      details: { code: 'AUTH_TOKEN_MISMATCH' },
    };
    const e = (await client.connect().catch((x: unknown) => x)) as GatewayRequestError;
    expect(e).toBeInstanceOf(GatewayRequestError);
    expect(e.detailCode).toBe('AUTH_TOKEN_MISMATCH');
    await new Promise((r) => setTimeout(r, 150));
    expect(gw.connects).toHaveLength(1);
  });

  it('reconnects with backoff after the socket drops, and a side-effecting request is resent with the same key', async () => {
    const { gw, client } = await setup();
    await client.connect();
    let first = true;
    gw.handlers.send = (p) => {
      if (first) {
        // Drop the connection while the request is in flight.
        first = false;
        gw.last.terminate();
        return undefined;
      }
      return {
        messageId: 'm1',
        channel: 'x',
        accountId: 'a',
        to: (p as { to: string }).to,
        status: 'queued',
      };
    };
    const reconnecting: number[] = [];
    client.onLifecycle('reconnecting', (r) => reconnecting.push(r.delayMs));
    const r = await client.request('send', { to: 'bob', message: 'hi' });
    expect(r.messageId).toBe('m1');
    const keys = gw.requests
      .filter((q) => q.method === 'send')
      .map((q) => (q.params as { idempotencyKey: string }).idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(gw.connects).toHaveLength(2);
    expect(reconnecting[0]).toBeGreaterThanOrEqual(16);
    expect(reconnecting[0]).toBeLessThanOrEqual(24);
  });

  it('keeps a caller-chosen idempotency key', async () => {
    const { gw, client } = await setup();
    gw.handlers.send = () => ({ messageId: 'm', channel: 'x', accountId: 'a', to: 't', status: 'queued' });
    await client.request('send', { to: 't', idempotencyKey: 'mine' });
    expect((gw.requests[0]!.params as { idempotencyKey: string }).idempotencyKey).toBe('mine');
  });

  it('closes with 4000 when the gateway goes silent for two tick intervals, then reconnects', async () => {
    const { gw, client } = await setup();
    gw.tickIntervalMs = 60;
    await client.connect();
    const dropped = await waitFor<{ code: number }>((r) => client.onLifecycle('disconnected', r));
    expect(dropped.code).toBe(4000);
    await waitFor((r) => client.onLifecycle('hello', r));
    expect(gw.connects.length).toBeGreaterThanOrEqual(2);
  });

  it('reports a gap in event seq', async () => {
    const { gw, client } = await setup();
    await client.connect();
    const gaps = waitFor<{ reason: string; expected?: number; received?: number }>((r) =>
      client.onLifecycle('gap', r),
    );
    gw.event(gw.last, 'tick', { ts: 1 }, 2);
    gw.event(gw.last, 'tick', { ts: 2 }, 5);
    expect(await gaps).toEqual({ reason: 'seq', expected: 3, received: 5 });
  });

  it('delivers typed events to listeners', async () => {
    const { gw, client } = await setup();
    await client.connect();
    const got = waitFor<{ reason: string }>((r) => client.on('shutdown', (p) => r(p)));
    gw.event(gw.last, 'shutdown', { reason: 'bye' });
    expect((await got).reason).toBe('bye');
  });

  it('resumes the event stream when the gateway advertises event-resume-v1', async () => {
    const { gw, client } = await setup();
    gw.capabilities = ['event-resume-v1'];
    await client.connect();
    gw.event(gw.last, 'tick', { ts: 1 });
    gw.event(gw.last, 'tick', { ts: 2 });
    await new Promise((r) => setTimeout(r, 50));
    const resumed = waitFor<{ fromSeq: number }>((r) => client.onLifecycle('resumed', r));
    gw.last.terminate();
    const r = await resumed;
    const resume = gw.connects[1]?.resume;
    expect(resume?.connId).toBe('c1');
    expect(resume?.lastSeq).toBe(3);
    expect(r.fromSeq).toBe(4);
  });

  it('reports a gap when a reconnect starts a fresh stream', async () => {
    const { gw, client } = await setup();
    await client.connect();
    const gap = waitFor<{ reason: string }>((r) => client.onLifecycle('gap', r));
    gw.last.terminate();
    expect((await gap).reason).toBe('reconnect');
  });

  it('close() rejects pending requests and stops reconnecting', async () => {
    const { gw, client } = await setup();
    gw.handlers.status = () => undefined;
    await client.connect();
    const pending = client.request('status').catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 20));
    await client.close();
    expect(((await pending) as GatewayRequestError).code).toBe('UNAVAILABLE');
    await new Promise((r) => setTimeout(r, 100));
    expect(gw.connects).toHaveLength(1);
    await expect(client.request('health')).rejects.toBeInstanceOf(GatewayRequestError);
  });
});
