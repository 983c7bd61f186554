import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuditLog,
  AuthLimiter,
  createMemoryStore,
  createSilentLogger,
  defaultConfig,
  HttpAuthenticator,
  hashToken,
  ManualClock,
  type Store,
} from '@openclaw/gateway-core';
import Fastify, { type FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { httpAuth } from './http-auth.ts';
import { surfaces } from './surfaces.ts';

const TOKEN = 'the-shared-token-for-this-test';

function authenticator(store: Store): HttpAuthenticator {
  const clock = new ManualClock();
  const config = defaultConfig();
  config.auth.rateLimit = { maxFailures: 2, windowMs: 60_000, lockoutMs: 60_000, loopbackIntervalMs: 0 };
  return new HttpAuthenticator({
    limiter: new AuthLimiter({
      policy: config.auth.rateLimit,
      clock,
      sleep: async (ms) => clock.advance(ms),
    }),
    store,
    clock,
    audit: new AuditLog(store, clock, createSilentLogger()),
    config: () => config,
    secrets: () => ({ token: TOKEN }),
  });
}

/** The plugin on a bare app, with one route per audience and the session exchange. */
async function app(store: Store = createMemoryStore()): Promise<FastifyInstance> {
  const a = Fastify({ logger: false });
  // inject() comes from loopback: trusting it as a proxy lets a test speak for a remote client.
  await a.register(httpAuth, { authenticator: authenticator(store), trustedProxies: () => ['127.0.0.1'] });
  const operator = a.httpAuth.require({ audience: 'operator', surface: 'metrics', body: 'json' });
  const canvas = a.httpAuth.require({ audience: 'canvas', surface: 'canvas', body: 'text' });
  a.get('/operator', { preHandler: operator }, async () => 'operator ok');
  a.get('/canvas', { preHandler: canvas }, async () => 'canvas ok');
  a.post('/session', async (req, reply) => {
    if (await a.httpAuth.openSession(req, reply, 'session')) return reply.code(204).send();
    return reply;
  });
  return a;
}

describe('the http-auth plugin', () => {
  it('lets a route through only with a credential for its audience, answering 401, 403 and 429 itself', async () => {
    const store = createMemoryStore();
    await store.deviceTokens.put({
      deviceId: 'dev-node',
      role: 'node',
      tokenHash: hashToken('a-node-device-token'),
      scopes: [],
      issuedAtMs: 0,
    });
    await using a = await app(store);
    const none = await a.inject({ method: 'GET', url: '/operator' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json()).toEqual({ error: 'authentication required' });
    const text = await a.inject({ method: 'GET', url: '/canvas' });
    expect([text.statusCode, text.headers['content-type'], text.body]).toEqual([
      401,
      'text/plain; charset=utf-8',
      'authentication required\n',
    ]);
    const right = await a.inject({
      method: 'GET',
      url: '/operator',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect([right.statusCode, right.body]).toEqual([200, 'operator ok']);
    const node = { authorization: 'Bearer a-node-device-token' };
    expect((await a.inject({ method: 'GET', url: '/operator', headers: node })).statusCode).toBe(403);
    expect((await a.inject({ method: 'GET', url: '/canvas', headers: node })).body).toBe('canvas ok');
    const remote = { 'x-forwarded-for': '203.0.113.9' };
    const wrong = {
      method: 'GET',
      url: '/operator',
      headers: { ...remote, authorization: 'Bearer nope' },
    } as const;
    expect((await a.inject(wrong)).statusCode).toBe(401);
    const locked = await a.inject(wrong);
    expect(locked.statusCode).toBe(429);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses credentials in a URL before any route runs, except on platform webhooks', async () => {
    await using a = await app();
    const r = await a.inject({ method: 'GET', url: `/operator?token=${TOKEN}` });
    expect(r.statusCode).toBe(400);
    expect(r.json().error).toContain('not accepted in URLs');
    // No webhook route here: the request gets past the hook to the router's 404.
    expect((await a.inject({ method: 'POST', url: '/channels/x?token=abc' })).statusCode).toBe(404);
  });

  it('exchanges a Bearer credential for an HttpOnly session cookie that opens the canvas, not operator routes', async () => {
    await using a = await app();
    expect((await a.inject({ method: 'POST', url: '/session' })).statusCode).toBe(401);
    const opened = await a.inject({
      method: 'POST',
      url: '/session',
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    expect(opened.statusCode).toBe(204);
    const setCookie = String(opened.headers['set-cookie']);
    expect(setCookie).toMatch(/^openclaw_session=[\w-]+; HttpOnly; SameSite=Strict; Path=\/__openclaw__\//);
    expect(setCookie).not.toContain('Secure');
    const cookie = setCookie.split(';')[0] ?? '';
    const page = await a.inject({ method: 'GET', url: '/canvas', headers: { cookie: `a=b; ${cookie}` } });
    expect([page.statusCode, page.body]).toEqual([200, 'canvas ok']);
    expect((await a.inject({ method: 'GET', url: '/operator', headers: { cookie } })).statusCode).toBe(401);
  });

  it('is a declared dependency: a surface that needs it refuses to load without it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-plugin-'));
    await using a = Fastify({ logger: false });
    a.register(surfaces, { canvasDir: join(dir, 'canvas'), log: createSilentLogger() });
    try {
      await expect(a.ready()).rejects.toMatchObject({ code: 'FST_ERR_PLUGIN_DEPENDENCY_NOT_REGISTERED' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
