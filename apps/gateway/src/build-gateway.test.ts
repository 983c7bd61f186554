import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigManager, createSilentLogger, createSqliteStore } from '@openclaw/gateway-core';
import { describe, expect, it } from 'vitest';
import { buildGateway, checkExposure } from './build-gateway.ts';
import { StartupError } from './startup-error.ts';

describe('buildGateway', () => {
  it('/readyz says 503 while a contributor is not up, 200 when it is, and "degraded" is still ready', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-build-'));
    const gw = await buildGateway({
      config: ConfigManager.fromObject(join(dir, 'openclaw.json'), {}),
      store: createSqliteStore({ path: join(dir, 'gateway.db') }),
      secrets: () => ({ token: 'a-token-for-this-test-only' }),
      log: createSilentLogger(),
    });
    try {
      let state: { ready: boolean; degraded?: boolean; reason?: string } = {
        ready: false,
        reason: 'connecting',
      };
      gw.core.addReadinessCheck({ name: 'telegram/default', check: () => state });
      const notReady = await gw.app.inject({ method: 'GET', url: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.json()).toMatchObject({ ready: false, notReady: ['telegram/default: connecting'] });
      state = { ready: false, degraded: true, reason: 'backing off' };
      const degraded = await gw.app.inject({ method: 'GET', url: '/readyz' });
      expect(degraded.statusCode).toBe(200);
      expect(degraded.json().ready).toBe(true);
      expect(degraded.json().degraded).toContain('telegram/default: backing off');
      state = { ready: true };
      expect((await gw.app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      const health = await gw.app.inject({ method: 'GET', url: '/healthz' });
      expect(health.statusCode).toBe(200);
      expect(health.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    } finally {
      await gw.close({ drainMs: 0 });
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuses to expose the gateway without auth', () => {
    expect(() => checkExposure('lan', '0.0.0.0', 'none', {})).toThrow(StartupError);
    expect(() => checkExposure('custom', '10.0.0.1', 'none', {})).toThrow(/refusing/);
    expect(() => checkExposure('loopback', '127.0.0.1', 'none', {})).not.toThrow();
    expect(() => checkExposure('lan', '0.0.0.0', 'token', { token: 't' })).not.toThrow();
    expect(() => checkExposure('lan', '0.0.0.0', 'password', {})).toThrow(/password/);
    const refusal = (f: () => void) => {
      try {
        f();
      } catch (error) {
        return error instanceof StartupError ? [error.code, error.exitCode] : error;
      }
      return 'no refusal';
    };
    expect(refusal(() => checkExposure('lan', '0.0.0.0', 'none', {}))).toEqual(['EXPOSURE_REFUSED', 2]);
    expect(refusal(() => checkExposure('lan', '0.0.0.0', 'token', {}))).toEqual(['AUTH_SECRET_MISSING', 2]);
  });

  it('refuses a taken port as PORT_IN_USE (exit 4), naming the port', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-build-'));
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as { port: number }).port;
    const gw = await buildGateway({
      config: ConfigManager.fromObject(join(dir, 'openclaw.json'), { gateway: { port } }),
      store: createSqliteStore({ path: join(dir, 'gateway.db') }),
      secrets: () => ({ token: 'a-token-for-this-test-only' }),
      log: createSilentLogger(),
      controlUi: false,
    });
    try {
      await expect(gw.listen()).rejects.toMatchObject({
        name: 'StartupError',
        code: 'PORT_IN_USE',
        exitCode: 4,
        message: expect.stringContaining(`port ${port} is already in use`),
      });
    } finally {
      await gw.close({ drainMs: 0 });
      await new Promise((r) => blocker.close(r));
      await rm(dir, { recursive: true, force: true });
    }
  });
});
