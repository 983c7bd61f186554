// What the router promises every request: an answer exactly once, errors that keep what the
// handler said, idempotency keyed by the calling device, metrics per request, and a drain that
// answers what is in flight while refusing new work.
import { type GatewayRequestError, gatewayError, generateDeviceIdentity } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { CoreMetricsSink } from '../src/metrics/core-metrics.ts';
import type { HandlerOverrides } from '../src/router/router.ts';
import { StoreFailingError, StoreUnavailableError } from '../src/store/store-failure.ts';
import { type Harness, startHarness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sendResult = (n: number, to: string) => ({
  messageId: `m${n}`,
  channel: 'test',
  accountId: 'default',
  to,
  status: 'queued' as const,
});

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e as GatewayRequestError,
  );

describe('router dispatch', () => {
  it('answers a request in flight before a drain closes the socket, and refuses new ones as retryable', async () => {
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => {
      entered = r;
    });
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const handlers: HandlerOverrides = {
      send: async (p) => {
        entered();
        await gate;
        return sendResult(1, p.to);
      },
    };
    h = await startHarness({ handlers: [handlers] });
    const c = await h.operator();
    const slow = c.request('send', { to: 'x', idempotencyKey: 'k' });
    await inHandler;
    // A drain far longer than the test: it must end because the request finished, not by its deadline.
    const down = h.core.shutdown({ reason: 'test', drainMs: 120_000 });
    const refused = await failure(c.request('health'));
    expect(refused.code).toBe('UNAVAILABLE');
    expect(refused.detailCode).toBe('SHUTTING_DOWN');
    expect(refused.retryable).toBe(true);
    expect(refused.retryAfterMs).toBe(1000);
    open();
    expect(await slow).toEqual(sendResult(1, 'x'));
    await down;
  });

  it('reports each request to the metrics with its outcome, error code and a real duration', async () => {
    const seen: [string, string, number, string | undefined][] = [];
    const metrics: CoreMetricsSink = {
      connectionOpened() {},
      connectionClosed() {},
      handshake() {},
      slowConsumer() {},
      request: (method, outcome, ms, code) => void seen.push([method, outcome, ms, code]),
    };
    h = await startHarness({ metrics });
    const c = await h.operator();
    const t0 = performance.now();
    await c.request('health');
    await failure(c.call('no.such.method', {}));
    const elapsed = performance.now() - t0;
    const mine = seen.filter(([m]) => m === 'health' || m === 'no.such.method');
    expect(mine.map(([m, o, , code]) => [m, o, code])).toEqual([
      ['health', 'ok', undefined],
      ['no.such.method', 'error', 'INVALID_REQUEST'],
    ]);
    for (const [, , ms] of mine) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(elapsed);
    }
  });

  it('names an unknown method in the error details', async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = await failure(c.call('no.such.method', {}));
    expect(e.details).toMatchObject({ code: 'METHOD_UNKNOWN', method: 'no.such.method' });
  });

  it("passes on the validator's reason for bad params", async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = await failure(c.call('logs.tail', { limit: 'ten' }));
    const reason = e.details?.reason as string;
    expect(reason).not.toBe('invalid');
    expect(reason.length).toBeGreaterThan(0);
    expect(e.message).toContain(reason);
  });

  it("keeps a handler's error as thrown: code, details, retryable and retry-after", async () => {
    const handlers: HandlerOverrides = {
      send: () => {
        // TIMEOUT is not retryable by default: only the handler's word makes it so.
        throw gatewayError('TIMEOUT', undefined, 'platform busy', {
          retryable: true,
          retryAfterMs: 250,
          details: { channel: 'test' },
        });
      },
    };
    h = await startHarness({ handlers: [handlers] });
    const c = await h.operator();
    const e = await failure(c.request('send', { to: 'x', idempotencyKey: 'k' }));
    expect(e.code).toBe('TIMEOUT');
    expect(e.message).toBe('platform busy');
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(250);
    expect(e.details).toEqual({ channel: 'test' });
  });

  it('answers a retry of a final failure with the same error, details included, without running the handler', async () => {
    let calls = 0;
    const handlers: HandlerOverrides = {
      send: () => {
        calls++;
        throw gatewayError('INVALID_REQUEST', undefined, 'no such chat', { details: { to: 'x' } });
      },
    };
    h = await startHarness({ handlers: [handlers] });
    const c = await h.operator();
    const first = await failure(c.request('send', { to: 'x', idempotencyKey: 'k' }));
    const again = await failure(c.request('send', { to: 'x', idempotencyKey: 'k' }));
    expect(calls).toBe(1);
    expect([again.code, again.message, again.details, again.retryable]).toEqual([
      first.code,
      first.message,
      { to: 'x' },
      false,
    ]);
  });

  it('keys idempotency by device: the same device retrying on a new connection gets the first outcome', async () => {
    let calls = 0;
    const handlers: HandlerOverrides = { send: (p) => sendResult(++calls, p.to) };
    h = await startHarness({ handlers: [handlers] });
    const identity = await generateDeviceIdentity();
    const first = await h.operator({ identity });
    const a = await first.request('send', { to: 'x', idempotencyKey: 'k' });
    await first.close();
    const second = await h.operator({ identity });
    const b = await second.request('send', { to: 'x', idempotencyKey: 'k' });
    expect(b).toEqual(a);
    expect(calls).toBe(1);
  });

  it('refuses a message over limits.maxMessageBytes, counted in UTF-8 bytes, before the handler runs', async () => {
    let calls = 0;
    h = await startHarness({
      handlers: [{ send: (p) => sendResult(++calls, p.to) }],
      config: { limits: { maxMessageBytes: 1024 } },
    });
    const c = await h.operator();
    // 342 characters, 1026 bytes.
    const e = await failure(c.request('send', { to: 'x', message: '€'.repeat(342), idempotencyKey: 'k1' }));
    expect(e.code).toBe('INVALID_REQUEST');
    expect(e.details).toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
      limit: 'limits.maxMessageBytes',
      limitBytes: 1024,
      sizeBytes: 1026,
    });
    await c.request('send', { to: 'x', message: '€'.repeat(341), idempotencyKey: 'k2' });
    await c.request('send', { to: 'x', message: 'a'.repeat(1024), idempotencyKey: 'k3' });
    expect(calls).toBe(2);
  });

  it('refuses side-effecting requests past the write burst as retryable, and only those', async () => {
    let calls = 0;
    h = await startHarness({
      handlers: [{ send: (p) => sendResult(++calls, p.to) }],
      config: { limits: { writesPerSecond: 0.001, writeBurst: 2 } },
    });
    const c = await h.operator();
    await c.request('send', { to: 'x', idempotencyKey: 'k1' });
    await c.request('send', { to: 'x', idempotencyKey: 'k2' });
    const e = await failure(c.request('send', { to: 'x', idempotencyKey: 'k3' }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBeGreaterThan(0);
    expect(e.details).toMatchObject({
      code: 'RATE_LIMITED',
      limit: 'limits.writesPerSecond',
      writesPerSecond: 0.001,
    });
    expect(calls).toBe(2);
    // Reads are not writes.
    expect((await c.request('health')).ok).toBe(true);
  });

  it('refuses side-effecting requests while the store is failing, and serves reads', async () => {
    let calls = 0;
    h = await startHarness({ handlers: [{ send: (p) => sendResult(++calls, p.to) }] });
    const c = await h.operator();
    h.core.storeHealth.report({ kind: 'io', reason: 'disk I/O error (SQLITE_IOERR_WRITE)' });
    const e = await failure(c.request('send', { to: 'x', idempotencyKey: 'k1' }));
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.retryable).toBe(true);
    expect(e.retryAfterMs).toBe(5000);
    expect(e.details).toEqual({
      code: 'STORE_FAILING',
      kind: 'io',
      reason: 'disk I/O error (SQLITE_IOERR_WRITE)',
    });
    expect(e.message).toContain('send');
    expect(calls).toBe(0);
    expect((await c.request('health')).ok).toBe(true);
  });

  it('answers a store failure or an unreachable shared store inside a handler as retryable, not INTERNAL', async () => {
    h = await startHarness({
      handlers: [
        {
          send: () => {
            throw new StoreFailingError({ kind: 'full', reason: 'database or disk is full (SQLITE_FULL)' });
          },
          'system-event': () => {
            // What the Redis store throws when Redis cannot be reached.
            throw new StoreUnavailableError('redis down');
          },
        },
      ],
    });
    const c = await h.operator();
    const full = await failure(c.request('send', { to: 'x', idempotencyKey: 'k1' }));
    expect(full.details).toMatchObject({ code: 'STORE_FAILING', kind: 'full' });
    expect(full.retryable).toBe(true);
    const down = await failure(c.request('system-event', { text: 'hi' }));
    expect(down.code).toBe('UNAVAILABLE');
    expect(down.details).toMatchObject({ code: 'CLUSTER_UNAVAILABLE' });
    expect(down.retryAfterMs).toBe(1000);
    expect(down.message).toContain('system-event');
  });
});
