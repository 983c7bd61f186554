import { defaultConfig, type GatewayConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { AuthLimiter } from './auth-limiter.ts';
import { CANVAS_SESSION_COOKIE, HttpAuthenticator, type HttpAuthRequest } from './http-authenticator.ts';
import { hashToken } from './secrets.ts';

const TOKEN = 'the-shared-token-0000';
const remote = { remoteAddress: '203.0.113.7', isLoopback: false };

async function make(configure: (c: GatewayConfig) => void = () => {}) {
  const clock = new ManualClock();
  const store = createMemoryStore();
  const config = defaultConfig();
  config.auth.rateLimit = { maxFailures: 3, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 500 };
  configure(config);
  const limiter = new AuthLimiter({
    policy: config.auth.rateLimit,
    clock,
    sleep: async (ms) => clock.advance(ms),
  });
  const auth = new HttpAuthenticator({
    limiter,
    store,
    clock,
    audit: new AuditLog(store, clock, createSilentLogger()),
    config: () => config,
    secrets: () => ({ token: TOKEN, password: 'the-shared-password' }),
  });
  const put = (token: string, role: string, scopes: string[]) =>
    store.deviceTokens.put({
      deviceId: `dev-${role}`,
      role,
      tokenHash: hashToken(token),
      scopes,
      issuedAtMs: 0,
    });
  const ask = (o: Partial<HttpAuthRequest>) =>
    auth.authenticate({
      peer: remote,
      authorization: undefined,
      audience: 'operator',
      surface: 'metrics',
      ...o,
    });
  return { clock, store, limiter, auth, put, ask };
}

describe('HttpAuthenticator', () => {
  it('takes the shared secret or an operator device token; a node token only on the canvas, else 403 uncounted', async () => {
    const { put, ask, limiter } = await make();
    await put('operator-device-token', 'operator', ['operator.read']);
    await put('node-device-token', 'node', []);
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toEqual({
      ok: true,
      credential: 'shared-secret',
    });
    expect(await ask({ authorization: 'bearer operator-device-token' })).toEqual({
      ok: true,
      credential: 'device-token',
    });
    for (let i = 0; i < 5; i++) {
      expect(await ask({ authorization: 'Bearer node-device-token' })).toEqual({
        ok: false,
        reason: 'forbidden',
      });
    }
    expect(await ask({ authorization: 'Bearer node-device-token', audience: 'canvas' })).toEqual({
      ok: true,
      credential: 'device-token',
    });
    expect(limiter.lockouts()).toEqual([]);
  });

  it('counts nothing for a missing credential, another scheme, or a stale session cookie', async () => {
    const { ask, limiter } = await make();
    for (let i = 0; i < 5; i++) {
      expect(await ask({})).toEqual({ ok: false, reason: 'missing' });
      expect(await ask({ authorization: 'Basic dXNlcjpwYXNz' })).toEqual({ ok: false, reason: 'missing' });
      expect(await ask({ audience: 'canvas', cookie: `${CANVAS_SESSION_COOKIE}=stale` })).toEqual({
        ok: false,
        reason: 'missing',
      });
    }
    expect(limiter.lockouts()).toEqual([]);
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toMatchObject({ ok: true });
  });

  it('locks a remote peer out before comparing: the right secret gets 429 too, a device token still works', async () => {
    const { put, ask, store } = await make();
    await put('operator-device-token', 'operator', ['operator.read']);
    expect(await ask({ authorization: 'Bearer a' })).toEqual({ ok: false, reason: 'rejected' });
    expect(await ask({ authorization: 'Bearer b' })).toEqual({ ok: false, reason: 'rejected' });
    expect(await ask({ authorization: 'Bearer c' })).toEqual({
      ok: false,
      reason: 'rate-limited',
      retryAfterMs: 60_000,
    });
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toEqual({
      ok: false,
      reason: 'rate-limited',
      retryAfterMs: 60_000,
    });
    expect(await ask({ authorization: 'Bearer operator-device-token' })).toMatchObject({ ok: true });
    const audit = await store.audit.list({ limit: 10, action: 'auth.failed' });
    expect(audit.map((e) => e.details)).toEqual(
      Array(3).fill({ code: 'AUTH_TOKEN_MISMATCH', surface: 'metrics', credential: 'shared-secret' }),
    );
  });

  it('checks the secret of the auth mode only', async () => {
    const { ask } = await make((c) => {
      c.auth.mode = 'password';
    });
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toEqual({ ok: false, reason: 'rejected' });
    expect(await ask({ authorization: 'Bearer the-shared-password' })).toMatchObject({ ok: true });
  });

  it('exchanges a Bearer credential, never a session, for a canvas session that then works alone', async () => {
    const { auth, ask, clock } = await make();
    const opened = await auth.openSession({
      peer: remote,
      authorization: `Bearer ${TOKEN}`,
      surface: 'session',
    });
    if (!('sessionId' in opened)) throw new Error('no session');
    expect(
      await ask({ audience: 'canvas', cookie: `other=1; ${CANVAS_SESSION_COOKIE}=${opened.sessionId}` }),
    ).toEqual({
      ok: true,
      credential: 'session',
    });
    expect(
      await ask({ audience: 'operator', cookie: `other=1; ${CANVAS_SESSION_COOKIE}=${opened.sessionId}` }),
    ).toEqual({
      ok: false,
      reason: 'missing',
    });
    expect(await auth.openSession({ peer: remote, authorization: undefined, surface: 'session' })).toEqual({
      ok: false,
      reason: 'missing',
    });
    clock.advance(opened.maxAgeMs + 1);
    expect(
      await ask({ audience: 'canvas', cookie: `other=1; ${CANVAS_SESSION_COOKIE}=${opened.sessionId}` }),
    ).toEqual({
      ok: false,
      reason: 'missing',
    });
  });
});
