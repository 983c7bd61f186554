import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type GatewayError, type GatewayRequestError, REDACTED } from '@openclaw/protocol';
import JSON5 from 'json5';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigManager } from '../src/config/config-manager.ts';
import { type Harness, rawConnect, startHarness } from './harness.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('config methods', () => {
  it('config.get shows the effective config with secrets redacted', async () => {
    h = await startHarness({
      config: { auth: { token: 'a-configured-secret-token-value' } },
      token: 'a-configured-secret-token-value',
    });
    const c = await h.operator();
    const got = await c.request('config.get');
    expect((got.config.auth as { token: string }).token).toBe(REDACTED);
    expect(JSON.stringify(got)).not.toContain('a-configured-secret-token-value');
    expect((got.config.gateway as { port: number }).port).toBe(18789);
    const schema = await c.request('config.schema');
    expect(JSON.stringify(schema.schema)).toContain('autoApproveLoopback');
  });

  it('config.patch validates first and names the key on error; nothing is written', async () => {
    h = await startHarness();
    const c = await h.operator();
    const e = (await c
      .request('config.patch', { raw: '{ limits: { tickIntervalMs: "fast" } }' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.detailCode).toBe('CONFIG_INVALID');
    expect(e.details?.path).toBe('limits.tickIntervalMs');
    await expect(readFile(join(h.dir, 'openclaw.json'), 'utf8')).rejects.toThrow();
  });

  it('applies rate-limit changes without a restart and writes the file', async () => {
    h = await startHarness();
    const c = await h.operator();
    const r = await c.request('config.patch', {
      raw: '{ auth: { rateLimit: { maxFailures: 1, lockoutMs: 60000, loopbackIntervalMs: 1000 } } }',
    });
    expect(r.applied).toContain('auth.rateLimit.maxFailures');
    expect(r.applied).toContain('auth.rateLimit.loopbackIntervalMs');
    expect(r.restartRequired).toEqual([]);
    const written = JSON5.parse(await readFile(join(h.dir, 'openclaw.json'), 'utf8')) as {
      auth: { rateLimit: { maxFailures: number } };
    };
    expect(written.auth.rateLimit.maxFailures).toBe(1);
    // One failure now locks a remote peer out (loopback is only ever throttled).
    h.setPeer({ remoteAddress: '203.0.113.7', isLoopback: false });
    const bad = await h.raw();
    await rawConnect(bad, h.token, { auth: { token: 'wrong-token-value-0000' } });
    const next = await h.raw();
    const { response } = await rawConnect(next, h.token);
    expect((response.error as { details: { code: string } }).details.code).toBe('AUTH_RATE_LIMITED');
  });

  it('reports which changes need a restart', async () => {
    h = await startHarness();
    const c = await h.operator();
    const r = await c.request('config.patch', { raw: '{ gateway: { port: 19999 } }' });
    expect(r.restartRequired).toEqual(['gateway.port']);
  });

  it('refuses a write based on a stale hash', async () => {
    h = await startHarness();
    const c = await h.operator();
    const { hash } = await c.request('config.get');
    await c.request('config.patch', { raw: '{ logging: { level: "debug" } }', baseHash: hash });
    const e = (await c
      .request('config.patch', { raw: '{ logging: { level: "info" } }', baseHash: hash })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.detailCode).toBe('CONFIG_CONFLICT');
  });

  it('closes shared-secret sockets when the gateway token changes, and the new token works', async () => {
    h = await startHarness();
    const c = await h.operator();
    const other = await h.client({ scopes: ['operator.read'] });
    await other.connect();
    const closed = new Promise<{ code: number }>((resolve) => other.onLifecycle('disconnected', resolve));
    await c.request('config.patch', { raw: '{ auth: { token: "a-brand-new-token-0123456789" } }' });
    expect((await closed).code).toBe(4001);
    const fresh = await h.client({ auth: { token: 'a-brand-new-token-0123456789' } });
    expect((await fresh.connect()).type).toBe('hello-ok');
  });

  it('answers the auth change before closing the socket that asked for it (issue 22)', async () => {
    h = await startHarness();
    const c = await h.operator();
    const events: string[] = [];
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      c.onLifecycle('disconnected', (d) => {
        events.push('closed');
        resolve(d);
      }),
    );
    const r = await c.request('config.patch', { raw: '{ auth: { mode: "none" } }' });
    events.push('answered');
    expect(r.applied).toContain('auth.mode');
    expect(await closed).toMatchObject({ code: 4001, reason: 'gateway auth changed' });
    expect(events).toEqual(['answered', 'closed']);
  });

  it('loads a config file reporting every problem with its line and column', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-cfg-'));
    try {
      const path = join(dir, 'openclaw.json');
      await writeFile(path, "{\n  gateway: { bind: 'everywhere' },\n  // note\n  loging: {},\n}\n");
      const e = (await ConfigManager.load(path).catch((x: unknown) => x)) as GatewayError;
      expect(e.detailCode).toBe('CONFIG_INVALID');
      expect(e.details?.file).toBe(path);
      expect(e.details?.issues).toEqual([
        {
          path: 'gateway.bind',
          kind: 'invalid-value',
          message: 'must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"',
          allowed: ['loopback', 'lan', 'tailnet', 'custom'],
          line: 2,
          column: 14,
        },
        {
          path: 'loging',
          kind: 'unknown-key',
          message: 'unknown key; did you mean logging?',
          suggestion: 'logging',
          line: 4,
          column: 3,
        },
      ]);
      await writeFile(path, '{ gateway: { port: 1 },, }');
      const syntax = (await ConfigManager.load(path).catch((x: unknown) => x)) as GatewayError;
      expect(syntax.details?.issues).toEqual([
        { path: '', kind: 'syntax', message: "not valid JSON5: invalid character ','", line: 1, column: 24 },
      ]);
      expect(syntax.message).toBe("config: not valid JSON5: invalid character ','");
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('records config changes in the audit log', async () => {
    h = await startHarness();
    const c = await h.operator();
    await c.request('config.patch', { raw: '{ logging: { level: "debug" } }' });
    const a = await (await h.operator()).request('security.audit.list', { action: 'config.*' });
    expect(a.entries.some((e) => e.action === 'config.changed')).toBe(true);
  });
});
