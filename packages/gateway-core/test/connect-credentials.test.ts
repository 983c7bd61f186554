// Which credential a connect counts as, through a real socket: auth.mode none (nothing to guess, a
// device token still ties the socket to it), the one token field a client may carry its device
// token in, the limiter's kinds kept apart, and the wait for a throttled loopback slot.
import { type DeviceIdentity, generateDeviceIdentity } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, type RawConnectOptions, rawConnect, startHarness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

interface ErrorBody {
  code: string;
  details?: Record<string, unknown>;
  retryAfterMs?: number;
}
const err = (r: Record<string, unknown>) => r.error as ErrorBody;

async function connect(harness: Harness, o: RawConnectOptions) {
  const raw = await harness.raw();
  const { response } = await rawConnect(raw, harness.token, o);
  return { raw, response };
}

/** Pair `identity` from loopback with the shared secret; returns the device token it is issued. */
async function pair(
  harness: Harness,
  identity: DeviceIdentity,
  auth?: Record<string, string>,
  o: RawConnectOptions = {},
) {
  const { response } = await connect(harness, { identity, ...(auth ? { auth } : {}), ...o });
  const token = (response.payload as { auth: { deviceToken?: string } } | undefined)?.auth.deviceToken;
  if (!token) throw new Error(`no device token: ${JSON.stringify(response)}`);
  return token;
}

describe('connect credentials', () => {
  it('with auth.mode none a device gets in without a credential; a device token it presents still ties the socket to it', async () => {
    h = await startHarness({ config: { auth: { mode: 'none' } } });
    const a = await generateDeviceIdentity();
    const b = await generateDeviceIdentity();
    const token = await pair(h, a, {});
    const plain = await connect(h, { identity: a, auth: {} });
    const wrong = await connect(h, { identity: a, auth: { deviceToken: 'not-a-token' } });
    const byDeviceToken = await connect(h, { identity: a, auth: { deviceToken: token } });
    // A client that keeps one token field sends its device token as auth.token.
    const byToken = await connect(h, { identity: a, auth: { token } });
    // Another device's token is no credential of B's: B gets in on its own, not tied to A's token.
    const other = await connect(h, { identity: b, auth: { deviceToken: token } });
    for (const c of [plain, wrong, byDeviceToken, byToken, other]) expect(c.response.ok).toBe(true);
    expect((await h.core.reports.status()).authLockouts.entries).toEqual([]);

    const admin = await h.operator();
    await admin.connect();
    const revoked = await admin.request('device.token.revoke', { deviceId: a.deviceId, role: 'operator' });
    expect(revoked.closedConnections).toBe(2);
    expect((await byDeviceToken.raw.closed).code).toBe(4001);
    expect((await byToken.raw.closed).code).toBe(4001);
    // The rest stay open: each still answers a request.
    for (const c of [plain, wrong, other]) {
      c.raw.send({ type: 'req', id: 'after', method: 'health', params: {} });
      expect(await c.raw.next((f) => f.type === 'res' && f.id === 'after')).toMatchObject({ ok: true });
    }
  });

  it("refuses another device's token by the field it came in, and reads auth.token as a device token in token mode only", async () => {
    h = await startHarness();
    const a = await generateDeviceIdentity();
    const b = await generateDeviceIdentity();
    const token = await pair(h, a);
    const asDeviceToken = await connect(h, { identity: b, auth: { deviceToken: token } });
    expect(err(asDeviceToken.response).details?.code).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    const asToken = await connect(h, { identity: b, auth: { token } });
    expect(err(asToken.response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
    // A device-less client holding a device token has no device for it to belong to.
    const deviceLess = await connect(h, { identity: null, auth: { deviceToken: token } });
    expect(err(deviceLess.response).details?.code).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    // A device token is for its role: A's node token does not open an operator connection.
    const nodeToken = await pair(h, a, undefined, {
      role: 'node',
      scopes: [],
      client: { mode: 'node', id: 'node-host' },
    });
    const nodeAsOperator = await connect(h, { identity: a, auth: { deviceToken: nodeToken } });
    expect(err(nodeAsOperator.response).details?.code).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    // In token mode the password field is not read.
    const passwordField = await connect(h, { identity: null, auth: { password: h.token } });
    expect(err(passwordField.response).details?.code).toBe('AUTH_TOKEN_MISSING');
    await h.close();

    h = await startHarness({ config: { auth: { mode: 'password', password: 'correct horse battery' } } });
    const c = await generateDeviceIdentity();
    const cToken = await pair(h, c, { password: 'correct horse battery' });
    // In password mode auth.token is a password attempt, whatever it holds.
    const tokenField = await connect(h, { identity: c, auth: { token: cToken } });
    expect(err(tokenField.response).details?.code).toBe('AUTH_PASSWORD_MISMATCH');
    const deviceTokenField = await connect(h, { identity: c, auth: { deviceToken: cToken } });
    expect(deviceTokenField.response.ok).toBe(true);
  });

  it('keeps the kinds apart for a remote peer: device tokens locked out, the same token is a shared-secret guess, the secret still works', async () => {
    h = await startHarness({
      config: {
        auth: { rateLimit: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 500 } },
      },
    });
    const a = await generateDeviceIdentity();
    const token = await pair(h, a);
    h.setPeer({ remoteAddress: '192.0.2.44', isLoopback: false });
    for (const wrong of ['wrong-1', 'wrong-2']) {
      const r = await connect(h, { identity: a, auth: { deviceToken: wrong } });
      expect(err(r.response).details?.code).toBe('AUTH_DEVICE_TOKEN_MISMATCH');
    }
    expect((await h.core.reports.status()).authLockouts.entries).toMatchObject([
      { credential: 'device-token', mode: 'lockout' },
    ]);
    // Refused before it is looked at, right as it is.
    const locked = await connect(h, { identity: a, auth: { deviceToken: token } });
    expect(err(locked.response)).toMatchObject({
      code: 'UNAVAILABLE',
      details: { code: 'AUTH_RATE_LIMITED' },
    });
    expect(err(locked.response).retryAfterMs).toBeGreaterThan(0);
    // In the one token field it is taken for a shared-secret attempt, and a wrong one.
    const asToken = await connect(h, { identity: a, auth: { token } });
    expect(err(asToken.response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
    // One shared-secret failure is on the books; the right secret forgets it, so the next wrong one
    // is again the first and the right secret still gets in after it.
    expect((await connect(h, { identity: a })).response.ok).toBe(true);
    const again = await connect(h, { identity: a, auth: { token: 'wrong-3' } });
    expect(err(again.response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
    expect((await connect(h, { identity: a })).response.ok).toBe(true);
    expect((await h.core.reports.status()).authLockouts.entries).toMatchObject([
      { credential: 'device-token' },
    ]);
  });

  it('a throttled loopback client with the right secret waits for its slot, in turn', async () => {
    h = await startHarness({
      config: {
        auth: { rateLimit: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 400 } },
      },
    });
    await connect(h, { identity: null, auth: { token: 'wrong-1' } });
    const started = Date.now();
    const second = await connect(h, { identity: null, auth: { token: 'wrong-2' } });
    expect(err(second.response).details?.code).toBe('AUTH_TOKEN_MISMATCH');
    expect((await h.core.reports.status()).authLockouts.entries).toMatchObject([
      { peer: 'loopback', mode: 'throttle' },
    ]);
    // The throttle began after `started`: the first slot is at least 400 ms later, the next 400 ms after it.
    const done: number[] = [];
    const [first, next] = await Promise.all(
      [0, 1].map(async () => {
        const r = await connect(h!, { identity: null });
        done.push(Date.now() - started);
        return r;
      }),
    );
    expect(first?.response.ok).toBe(true);
    expect(next?.response.ok).toBe(true);
    done.sort((x, y) => x - y);
    // A timer may fire a few ms before the wall clock says (the event loop's cached time): 50 ms slack.
    expect(done[0]).toBeGreaterThanOrEqual(350);
    expect(done[1]).toBeGreaterThanOrEqual(750);
  });

  it('a throttled loopback slot further away than half the handshake timeout is refused with when to retry', async () => {
    h = await startHarness({
      config: {
        limits: { handshakeTimeoutMs: 2000 },
        auth: {
          rateLimit: { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 3000 },
        },
      },
    });
    for (const wrong of ['wrong-1', 'wrong-2']) await connect(h, { identity: null, auth: { token: wrong } });
    // The slot is up to 3 s away; waiting may take at most min(4 s, 2 s / 2) = 1 s. A longer wait
    // would run past the handshake timeout and the client would get no answer at all.
    const r = await connect(h, { identity: null });
    expect(err(r.response)).toMatchObject({ code: 'UNAVAILABLE', details: { code: 'AUTH_RATE_LIMITED' } });
    expect(err(r.response).retryAfterMs).toBeGreaterThan(1000);
    expect(err(r.response).retryAfterMs).toBeLessThanOrEqual(3000);
  });
});
