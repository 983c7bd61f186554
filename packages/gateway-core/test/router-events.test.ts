import { GatewayRequestError, generateDeviceIdentity, type HealthSummary } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { HandlerOverrides } from '../src/router/router.ts';
import { eventually, type Harness, rawConnect, startHarness, testClient } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('router', () => {
  it('answers an unknown method with INVALID_REQUEST naming it, and the connection stays up', async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = (await c.call('no.such.method', {}).catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('INVALID_REQUEST');
    expect(e.detailCode).toBe('METHOD_UNKNOWN');
    expect(e.message).toContain('no.such.method');
    expect((await c.request('health')).ok).toBe(true);
  });

  it('rejects bad params with the path and keeps going', async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = (await c.call('logs.tail', { limit: 'ten' }).catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.detailCode).toBe('PARAMS_INVALID');
    expect(e.details?.path).toBe('/limit');
    // An unknown field is ignored, but does not excuse a missing required one.
    const e2 = (await c
      .call('device.pair.rename', { label: 'y', extra: 1 })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e2.detailCode).toBe('PARAMS_INVALID');
    expect(e2.details?.path).toBe('/deviceId');
  });

  it('checks the scope at dispatch with MISSING_SCOPE details', async () => {
    h = await startHarness();
    const c = await h.client({ scopes: ['operator.read'] });
    await c.connect();
    const e = (await c.request('config.set', { raw: '{}' }).catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details).toEqual({
      code: 'MISSING_SCOPE',
      missingScope: 'operator.admin',
      requiredScopes: ['operator.admin'],
    });
  });

  it('keeps node-only methods for nodes and operator methods for operators', async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = (await c.call('node.event', { event: 'x' }).catch((x: unknown) => x)) as GatewayRequestError;
    // node.event is not served until nodes land; either way an operator cannot call it.
    expect(['FORBIDDEN', 'INVALID_REQUEST']).toContain(e.code);
  });

  it('turns a throwing handler into an INTERNAL error, not a crash', async () => {
    const handlers: HandlerOverrides = {
      'system-event': () => {
        throw new Error('boom');
      },
    };
    h = await startHarness({ handlers: [handlers] });
    const c = await h.operator();
    const e = (await c
      .request('system-event', { text: 'hello' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('INTERNAL');
    expect((await c.request('health')).ok).toBe(true);
  });

  it('refuses a handler result that breaks its schema (results are validated under test)', async () => {
    h = await startHarness({ handlers: [{ status: () => ({ nope: true }) as never }] });
    const c = await h.operator();
    const e = (await c.request('status').catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('INTERNAL');
  });

  describe('idempotency', () => {
    function countingSend(counter: { n: number; delayMs?: number }): HandlerOverrides {
      return {
        send: async (p) => {
          counter.n++;
          if (counter.delayMs) await new Promise((r) => setTimeout(r, counter.delayMs));
          return {
            messageId: `m${counter.n}`,
            channel: p.channel ?? 'test',
            accountId: 'default',
            to: p.to,
            status: 'queued' as const,
          };
        },
      };
    }

    it('runs a side-effecting method once per key and returns the first outcome to retries', async () => {
      const counter = { n: 0 };
      h = await startHarness({ handlers: [countingSend(counter)] });
      const c = await h.operator();
      const a = await c.request('send', { to: 'x', message: 'hi', idempotencyKey: 'k1' });
      const b = await c.request('send', { to: 'x', message: 'hi', idempotencyKey: 'k1' });
      expect(b).toEqual(a);
      expect(counter.n).toBe(1);
      await c.request('send', { to: 'x', message: 'hi', idempotencyKey: 'k2' });
      expect(counter.n).toBe(2);
    });

    it('makes a concurrent duplicate wait for the first', async () => {
      const counter = { n: 0, delayMs: 100 };
      h = await startHarness({ handlers: [countingSend(counter)] });
      const c = await h.operator();
      const [a, b] = await Promise.all([
        c.request('send', { to: 'x', idempotencyKey: 'same' }),
        c.request('send', { to: 'x', idempotencyKey: 'same' }),
      ]);
      expect(a).toEqual(b);
      expect(counter.n).toBe(1);
    });

    it('keys by caller: another device with the same key gets its own outcome', async () => {
      const counter = { n: 0 };
      h = await startHarness({ handlers: [countingSend(counter)] });
      const a = await h.operator();
      const b = await h.operator();
      await a.request('send', { to: 'x', idempotencyKey: 'k' });
      await b.request('send', { to: 'x', idempotencyKey: 'k' });
      expect(counter.n).toBe(2);
    });

    it('keys a device-less caller by the shared secret it holds, so its retry on a new connection is not run again', async () => {
      const counter = { n: 0 };
      const harness = await startHarness({ handlers: [countingSend(counter)] });
      h = harness;
      const cli = () =>
        harness.client({
          identity: null,
          scopes: ['operator.write'],
          client: { ...testClient, id: 'cli', mode: 'cli' },
        });
      const first = await cli();
      await first.connect();
      const a = await first.request('send', { to: 'x', idempotencyKey: 'retry-me' });
      await first.close();
      const second = await cli();
      await second.connect();
      const b = await second.request('send', { to: 'x', idempotencyKey: 'retry-me' });
      expect(b).toEqual(a);
      expect(counter.n).toBe(1);
    });
  });
});

describe('events and presence', () => {
  it('numbers events per connection without gaps', async () => {
    h = await startHarness();
    const c = await h.operator();
    const seqs: number[] = [];
    c.on('system-event', (_p, meta) => seqs.push(meta.seq!));
    for (let i = 0; i < 5; i++) await c.request('system-event', { text: `e${i}` });
    await eventually(() => seqs.length === 5);
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBe(seqs[i - 1]! + 1);
  });

  it('shows a device connected as operator and node as one presence row, and announces changes', async () => {
    h = await startHarness();
    const watcher = await h.operator();
    const changes: { changed: { deviceId?: string; roles?: string[] }[]; removed: string[] }[] = [];
    const versions: number[] = [];
    watcher.on('presence', (p, meta) => {
      changes.push(p);
      versions.push(meta.stateVersion!.presence);
    });
    const identity = await generateDeviceIdentity();
    const op = await h.client({ identity, scopes: ['operator.read'] });
    await op.connect();
    const node = await h.client({
      identity,
      role: 'node',
      scopes: [],
      client: { id: 'node-host', version: '1', platform: 'linux', mode: 'node' },
    });
    await node.connect();
    const list = await watcher.request('system-presence');
    const rows = list.filter((e) => e.deviceId === identity.deviceId);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.roles).toEqual(['node', 'operator']);
    for (const e of list) expect(referenceErrors('PresenceEntry', e)).toBe('');
    await eventually(() =>
      changes.some((c) => c.changed.some((e) => e.deviceId === identity.deviceId && e.roles?.length === 2)),
    );
    await op.close();
    await node.close();
    await eventually(() => changes.some((c) => c.removed.includes(identity.deviceId)));
    for (let i = 1; i < versions.length; i++) expect(versions[i]).toBeGreaterThan(versions[i - 1]!);
  });

  it('does not send pairing events to operators without operator.pairing', async () => {
    h = await startHarness();
    const reader = await h.client({ scopes: ['operator.read'] });
    await reader.connect();
    const admin = await h.operator();
    const seenByReader: unknown[] = [];
    const seenByAdmin: unknown[] = [];
    reader.on('device.pair.requested', (p) => seenByReader.push(p));
    admin.on('device.pair.requested', (p) => seenByAdmin.push(p));
    h.setPeer({ remoteAddress: '10.0.0.9', isLoopback: false });
    await (await h.client()).connect().catch(() => undefined);
    await eventually(() => seenByAdmin.length === 1);
    await reader.request('health');
    expect(seenByReader).toHaveLength(0);
  });

  it('cuts off a client that stops reading instead of buffering forever', async () => {
    h = await startHarness({ config: { limits: { maxBufferedBytes: 65_536 } } });
    const raw = await h.raw();
    const { response } = await rawConnect(raw, h.token, { scopes: ['operator.read'] });
    expect(response.ok).toBe(true);
    // Stop reading at the TCP level.
    (raw.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const other = await h.operator();
    const big = 'x'.repeat(4000);
    const closed = raw.closed;
    let sent = 0;
    await eventually(async () => {
      for (let i = 0; i < 50; i++) {
        h!.core.bus.publish('system-event', { text: big, ts: Date.now() });
        sent++;
      }
      await new Promise((r) => setTimeout(r, 5));
      return [...h!.core.hub.connections()].length === 1;
    }, 15_000);
    // The reader that kept reading is still served.
    expect((await other.request('health')).ok).toBe(true);
    expect(sent).toBeGreaterThan(0);
    (raw.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect((await closed).code).toBe(1008);
  });

  it('replays missed events to a client that reconnects with its last seq', async () => {
    h = await startHarness();
    const identity = await generateDeviceIdentity();
    const c = await h.client({
      identity,
      scopes: ['operator.read', 'operator.write'],
      reconnect: { initialDelayMs: 20, maxDelayMs: 50 },
    });
    await c.connect();
    const texts: string[] = [];
    c.on('system-event', (p) => texts.push(p.text));
    const resumed = new Promise((resolve) => c.onLifecycle('resumed', resolve));
    const gaps: unknown[] = [];
    c.onLifecycle('gap', (g) => gaps.push(g));
    await c.request('system-event', { text: 'before' });
    await eventually(() => texts.includes('before'));
    // Drop the socket from the server side, then publish while the client is away.
    const conn = [...h.core.hub.connections()].find((x) => x.session?.deviceId === identity.deviceId)!;
    conn.close(1012, 'test drop');
    h.core.bus.publish('system-event', { text: 'missed-1', ts: Date.now() });
    h.core.bus.publish('system-event', { text: 'missed-2', ts: Date.now() });
    await resumed;
    await eventually(() => texts.includes('missed-2'));
    expect(texts).toEqual(['before', 'missed-1', 'missed-2']);
    expect(gaps).toHaveLength(0);
  });
});

describe('health, status and logs', () => {
  it('health, status and presence validate against our schemas and the reference', async () => {
    h = await startHarness();
    const c = await h.operator();
    const health: HealthSummary = await c.request('health');
    expect(referenceSubErrors('HelloOk', ['properties', 'snapshot', 'properties', 'health'], health)).toBe(
      '',
    );
    const status = await c.request('status');
    expect(status.version).toBe('0.0.0-test');
    expect(status.connections.total).toBeGreaterThanOrEqual(1);
    expect(status.gateway.authMode).toBe('token');
    const presence = await c.request('system-presence');
    for (const e of presence) expect(referenceErrors('PresenceEntry', e)).toBe('');
  });

  it('tails the log ring with a cursor', async () => {
    h = await startHarness();
    const c = await h.operator();
    const first = await c.request('logs.tail', { limit: 1000 });
    expect(first.lines.length).toBeGreaterThan(0);
    await c.request('system-event', { text: 'marker-line-42' });
    const next = await c.request('logs.tail', { cursor: first.cursor, limit: 1000 });
    expect(next.lines.some((l) => l.includes('marker-line-42'))).toBe(true);
    expect(next.cursor).toBeGreaterThan(first.cursor);
  });

  it('announces shutdown with restartExpectedMs and closes 1012', async () => {
    h = await startHarness();
    const c = await h.operator();
    const shutdown = new Promise<{ reason: string; restartExpectedMs?: number }>((resolve) =>
      c.on('shutdown', resolve),
    );
    const closed = new Promise<{ code: number }>((resolve) => c.onLifecycle('disconnected', resolve));
    await h.core.shutdown({ reason: 'restarting', restartExpectedMs: 1500, drainMs: 100 });
    expect(await shutdown).toEqual({ reason: 'restarting', restartExpectedMs: 1500 });
    expect((await closed).code).toBe(1012);
  });
});

describe('forward-compatible params', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('ignores fields it does not know, still validates the ones it does, and logs each once', async () => {
    h = await startHarness();
    const c = await h.operator();
    const call = (params: unknown) =>
      (c.request as (m: string, p: unknown) => Promise<unknown>)('sessions.list', params);
    await expect(call({ limit: 5, someFutureField: { deep: true } })).resolves.toMatchObject({ total: 0 });
    await expect(call({ limit: 5, someFutureField: 2 })).resolves.toMatchObject({ total: 0 });
    // A known field with a wrong type is still refused, and the error names it, not the unknown one.
    const e = (await call({ limit: 'five', someFutureField: 1 }).catch(
      (x: unknown) => x,
    )) as GatewayRequestError;
    expect(e).toBeInstanceOf(GatewayRequestError);
    expect(e.detailCode).toBe('PARAMS_INVALID');
    expect((e.details as { path: string }).path).toBe('/limit');
    const logged = h.logLines.filter((l) => l.includes('ignored a param this gateway does not know'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toMatchObject({ method: 'sessions.list', field: '/someFutureField' });
  });

  it('accepts a connect carrying fields it does not know', async () => {
    h = await startHarness();
    const raw = await h.raw();
    const { response } = await rawConnect(raw, h.token, {
      client: { id: 'test', mode: 'test', futureClientField: 'x' },
      extra: { futureTopLevel: { a: 1 } },
    } as never);
    expect(response.ok).toBe(true);
  });
});
