import { defaultConfig, type GatewayConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit-log.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { AuthLimiter } from './auth-limiter.ts';
import {
  CANVAS_SESSION_COOKIE,
  CANVAS_SESSION_TTL_MS,
  HttpAuthenticator,
  type HttpAuthRequest,
} from './http-authenticator.ts';
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
    // Only the operator and node roles exist: a token of any other role opens nothing.
    await put('other-device-token', 'guest', []);
    expect(await ask({ authorization: 'Bearer other-device-token', audience: 'canvas' })).toEqual({
      ok: false,
      reason: 'forbidden',
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
    const tokenMode = await make();
    expect(await tokenMode.ask({ authorization: 'Bearer the-shared-password' })).toEqual({
      ok: false,
      reason: 'rejected',
    });
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

  it('reads one Bearer credential: any case of the scheme, spaces or tabs around it, nothing else', async () => {
    const { ask } = await make();
    for (const header of [
      `Bearer ${TOKEN}`,
      `BEARER ${TOKEN}`,
      `Bearer   ${TOKEN}`,
      `Bearer\t${TOKEN}`,
      `Bearer ${TOKEN}  `,
      `Bearer ${TOKEN}\t`,
    ]) {
      expect(await ask({ authorization: header }), header).toEqual({ ok: true, credential: 'shared-secret' });
    }
    // Another scheme that ends in the word, a second token, no space: no Bearer credential at all.
    for (const header of [
      `Token Bearer ${TOKEN}`,
      `Bearer ${TOKEN} extra`,
      `Bearer${TOKEN}`,
      `Bearer ${TOKEN} x`,
      'Bearer ',
    ]) {
      expect(await ask({ authorization: header }), header).toEqual({ ok: false, reason: 'missing' });
    }
    // A one-character credential is a credential (a wrong one), not a missing one.
    expect(await ask({ authorization: 'Bearer a' })).toEqual({ ok: false, reason: 'rejected' });
  });

  it('with auth.mode none, /metrics is open without a credential; the canvas still asks for one and takes either secret', async () => {
    const { ask, limiter, store } = await make((c) => {
      c.auth.mode = 'none';
    });
    expect(await ask({})).toEqual({ ok: true, credential: 'none' });
    expect(await ask({ authorization: 'Bearer wrong' })).toEqual({ ok: true, credential: 'none' });
    expect(await ask({ audience: 'canvas' })).toEqual({ ok: false, reason: 'missing' });
    expect(await ask({ audience: 'canvas', authorization: `Bearer ${TOKEN}` })).toEqual({
      ok: true,
      credential: 'shared-secret',
    });
    expect(await ask({ audience: 'canvas', authorization: 'Bearer the-shared-password' })).toEqual({
      ok: true,
      credential: 'shared-secret',
    });
    expect(await ask({ audience: 'canvas', authorization: 'Bearer wrong' })).toEqual({
      ok: false,
      reason: 'rejected',
    });
    expect(limiter.lockouts()).toEqual([]);
    const audit = await store.audit.list({ limit: 10, action: 'auth.failed' });
    expect(audit.map((e) => e.details?.code)).toEqual(['AUTH_TOKEN_MISMATCH']);
  });

  it('audits a wrong password as a password mismatch, naming the surface and the peer', async () => {
    const { ask, store } = await make((c) => {
      c.auth.mode = 'password';
    });
    expect(await ask({ authorization: 'Bearer wrong', surface: 'a2ui', audience: 'canvas' })).toEqual({
      ok: false,
      reason: 'rejected',
    });
    const [entry, ...rest] = await store.audit.list({ limit: 10, action: 'auth.failed' });
    expect(rest).toEqual([]);
    expect(entry).toMatchObject({
      actor: 'http:a2ui',
      remoteIp: remote.remoteAddress,
      details: { code: 'AUTH_PASSWORD_MISMATCH', surface: 'a2ui', credential: 'shared-secret' },
    });
  });

  it('keeps a locked-out device-token peer from using a device token, and a right one forgets earlier failures', async () => {
    const { ask, put, limiter } = await make();
    await put('operator-device-token', 'operator', ['operator.read']);
    // Two wrong device tokens (counted by the WebSocket's authenticator), then a right one here.
    limiter.fail(remote, 'device-token');
    limiter.fail(remote, 'device-token');
    expect(await ask({ authorization: 'Bearer operator-device-token' })).toEqual({
      ok: true,
      credential: 'device-token',
    });
    // The slate is clean: two more failures do not reach the limit of three.
    limiter.fail(remote, 'device-token');
    limiter.fail(remote, 'device-token');
    expect(limiter.lockouts()).toEqual([]);
    limiter.fail(remote, 'device-token');
    expect(limiter.lockouts()).toMatchObject([{ credential: 'device-token', mode: 'lockout' }]);
    // Locked out of device tokens: the token is not looked up, only compared as a shared secret.
    expect(await ask({ authorization: 'Bearer operator-device-token' })).toEqual({
      ok: false,
      reason: 'rejected',
    });
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toEqual({
      ok: true,
      credential: 'shared-secret',
    });
  });

  it('a right shared secret forgets the failures before it', async () => {
    const { ask, limiter } = await make();
    expect(await ask({ authorization: 'Bearer a' })).toEqual({ ok: false, reason: 'rejected' });
    expect(await ask({ authorization: 'Bearer b' })).toEqual({ ok: false, reason: 'rejected' });
    expect(await ask({ authorization: `Bearer ${TOKEN}` })).toMatchObject({ ok: true });
    expect(await ask({ authorization: 'Bearer c' })).toEqual({ ok: false, reason: 'rejected' });
    expect(await ask({ authorization: 'Bearer d' })).toEqual({ ok: false, reason: 'rejected' });
    expect(limiter.lockouts()).toEqual([]);
  });

  it('a canvas session lasts twelve hours to the millisecond, and a device token opens one too', async () => {
    const { auth, ask, clock, put } = await make();
    await put('node-device-token', 'node', []);
    const opened = await auth.openSession({
      peer: remote,
      authorization: 'Bearer node-device-token',
      surface: 'session',
    });
    expect(opened).toMatchObject({ ok: true, maxAgeMs: 12 * 3600_000 });
    expect(CANVAS_SESSION_TTL_MS).toBe(12 * 3600_000);
    // The canvas pages and the session route agree on this cookie name.
    expect(CANVAS_SESSION_COOKIE).toBe('openclaw_session');
    if (!('sessionId' in opened)) throw new Error('no session');
    expect(opened.sessionId).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const cookie = `${CANVAS_SESSION_COOKIE}=${opened.sessionId}`;
    clock.advance(opened.maxAgeMs);
    expect(await ask({ audience: 'canvas', cookie })).toEqual({ ok: true, credential: 'session' });
    clock.advance(1);
    expect(await ask({ audience: 'canvas', cookie })).toEqual({ ok: false, reason: 'missing' });
    // Only the named cookie carries a session: the same id under another name is not one.
    const again = await auth.openSession({
      peer: remote,
      authorization: `Bearer ${TOKEN}`,
      surface: 'session',
    });
    if (!('sessionId' in again)) throw new Error('no session');
    expect(await ask({ audience: 'canvas', cookie: `x${CANVAS_SESSION_COOKIE}=${again.sessionId}` })).toEqual(
      {
        ok: false,
        reason: 'missing',
      },
    );
    expect(
      await ask({ audience: 'canvas', cookie: `a=b=c; ${CANVAS_SESSION_COOKIE}=${again.sessionId}` }),
    ).toEqual({
      ok: true,
      credential: 'session',
    });
  });

  it('refuses a session for a wrong credential, and keeps sessions working past ten thousand', async () => {
    const { auth, ask, clock } = await make();
    expect(
      await auth.openSession({ peer: remote, authorization: 'Bearer wrong', surface: 'session' }),
    ).toEqual({
      ok: false,
      reason: 'rejected',
    });
    const first = await auth.openSession({
      peer: remote,
      authorization: `Bearer ${TOKEN}`,
      surface: 'session',
    });
    if (!('sessionId' in first)) throw new Error('no session');
    // The first session reaches the last millisecond of its life while the next ones are opened.
    clock.advance(CANVAS_SESSION_TTL_MS);
    let last: Awaited<ReturnType<typeof auth.openSession>> = first;
    for (let i = 0; i < 10_001; i++) {
      last = await auth.openSession({ peer: remote, authorization: `Bearer ${TOKEN}`, surface: 'session' });
    }
    if (!('sessionId' in last)) throw new Error('no session');
    // Past the bound only expired sessions are dropped: the first (still valid now) and the newest work.
    for (const s of [first, last]) {
      expect(await ask({ audience: 'canvas', cookie: `${CANVAS_SESSION_COOKIE}=${s.sessionId}` })).toEqual({
        ok: true,
        credential: 'session',
      });
    }
  });
});
