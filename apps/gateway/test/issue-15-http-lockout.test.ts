// Issue 15: a locked address was still let in by canvas, a2ui and the session POST when it sent
// the right secret (the credential was checked before the lockout: a brute-force oracle), and
// unauthenticated canvas GETs counted as failures and locked /metrics.
import { GatewayClient, type GatewayRequestError, generateDeviceIdentity } from '@openclaw/protocol';
import { connectOperator, newToken, spawnGateway, tempDir, testClientInfo } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { attempt, behindLocalProxy, SURFACES, wsFrom } from './remote-peer.ts';

const ATTACKER = '203.0.113.7';
const NEIGHBOUR = '198.51.100.9';

describe('issue 15: one lockout, checked before the credential, on every surface', () => {
  it('refuses a locked remote address everywhere, even with the right secret; other addresses and credential kinds are untouched', async () => {
    const token = newToken();
    await using dir = await tempDir(behindLocalProxy);
    await using gw = await spawnGateway({ stateDir: dir.path, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const base = `http://127.0.0.1:${gw.port}`;

    // A device paired earlier (from this machine) holds its own device token.
    const identity = await generateDeviceIdentity();
    const paired = await connectOperator(gw.url, token, { identity, scopes: ['operator.read'] });
    const deviceToken = paired.hello?.auth.deviceToken ?? '';
    await paired.close();
    expect(deviceToken).not.toBe('');

    // Before any failure the right secret works from the attacker's address (so a 429 later is the lockout).
    expect((await attempt(base, '/metrics', { bearer: token, from: ATTACKER })).status).toBe(200);

    // Ten wrong guesses, spread over the surfaces: one limiter counts them all.
    const seen: number[] = [];
    for (let i = 0; i < 10; i++) {
      const s = SURFACES[i % SURFACES.length]!;
      seen.push(
        (await attempt(base, s.path, { bearer: `guess-${i}`, from: ATTACKER, method: s.method })).status,
      );
    }
    expect(seen.slice(0, 9).every((s) => s === 401)).toBe(true);
    expect(seen[9]).toBe(429);

    // Locked: the right secret gets exactly what a wrong one gets, on every surface.
    for (const s of SURFACES) {
      for (const bearer of [token, 'another-guess']) {
        const r = await attempt(base, s.path, { bearer, from: ATTACKER, method: s.method });
        expect(r.status, `${s.method} ${s.path}`).toBe(429);
        expect(r.retryAfter, `${s.method} ${s.path}`).toBeGreaterThan(200);
      }
    }
    // ...and over the WebSocket.
    const ws = new GatewayClient({
      url: gw.url,
      WebSocket: wsFrom(ATTACKER),
      client: testClientInfo,
      identity: await generateDeviceIdentity(),
      auth: { token },
      scopes: ['operator.read'],
      reconnect: false,
    });
    const refused = (await ws.connect().catch((e: unknown) => e)) as GatewayRequestError;
    await ws.close();
    expect(refused.detailCode).toBe('AUTH_RATE_LIMITED');
    expect(refused.retryAfterMs).toBeGreaterThan(200_000);

    // Another address is not affected.
    for (const s of SURFACES) {
      const r = await attempt(base, s.path, { bearer: token, from: NEIGHBOUR, method: s.method });
      expect(r.status, `${s.method} ${s.path}`).toBe(s.ok);
    }

    // The paired device's own token is another credential kind: the shared-secret guesses do not block it,
    // neither on HTTP nor on the WebSocket (device token only, as a paired client connects).
    expect((await attempt(base, '/metrics', { bearer: deviceToken, from: ATTACKER })).status).toBe(200);
    const device = new GatewayClient({
      url: gw.url,
      WebSocket: wsFrom(ATTACKER),
      client: testClientInfo,
      identity,
      auth: { deviceToken },
      scopes: ['operator.read'],
      reconnect: false,
    });
    const hello = await device.connect();
    expect(hello.auth.scopes).toEqual(['operator.read']);
    await device.close();
  }, 60_000);

  it('a request without any credential is not a guess: anonymous canvas GETs never lock /metrics', async () => {
    const token = newToken();
    await using dir = await tempDir(behindLocalProxy);
    await using gw = await spawnGateway({ stateDir: dir.path, env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const base = `http://127.0.0.1:${gw.port}`;
    for (const from of [undefined, ATTACKER]) {
      for (let i = 0; i < 15; i++) {
        const r = await attempt(base, i % 2 ? '/__openclaw__/canvas/' : '/__openclaw__/a2ui/', { from });
        expect(r.status).toBe(401);
      }
      expect((await attempt(base, '/metrics', { from })).status).toBe(401);
      expect((await attempt(base, '/metrics', { bearer: token, from })).status).toBe(200);
      expect((await attempt(base, '/__openclaw__/canvas/', { bearer: token, from })).status).toBe(200);
    }
  }, 60_000);
});
