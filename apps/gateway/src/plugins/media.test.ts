import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigManager, createSilentLogger, createSqliteStore } from '@openclaw/gateway-core';
import { samplePng } from '@openclaw/test-fakes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildGateway, type Gateway } from '../build-gateway.ts';

const TOKEN = 'a-token-for-this-test-only';

describe('GET /__openclaw__/media/<sha256>', () => {
  let dir: string;
  let gw: Gateway;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-media-'));
    gw = await buildGateway({
      config: ConfigManager.fromObject(join(dir, 'openclaw.json'), {}),
      store: createSqliteStore({ path: join(dir, 'gateway.db') }),
      secrets: () => ({ token: TOKEN }),
      log: createSilentLogger(),
      stateDir: dir,
    });
  });
  afterEach(async () => {
    await gw.close({ drainMs: 0 });
    await rm(dir, { recursive: true, force: true });
  });

  const get = (id: string, token?: string) =>
    gw.app.inject({
      method: 'GET',
      url: `/__openclaw__/media/${id}`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    });

  it('serves an image inline, with its sniffed type, to an authenticated client only', async () => {
    const item = await gw.core.media.put(samplePng());
    expect((await get(item.id)).statusCode).toBe(401);
    expect((await get(item.id, 'wrong-token-wrong-token')).statusCode).toBe(401);
    const res = await get(item.id, TOKEN);
    expect(res.statusCode).toBe(200);
    expect(res.rawPayload.equals(samplePng())).toBe(true);
    expect(res.headers['content-type']).toBe('image/png');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-disposition']).toMatch(/^inline;/);
    expect(res.headers['content-security-policy']).toContain('sandbox');
    expect(res.headers['cache-control']).toContain('private');
  });

  it('never serves HTML or SVG as such: they are text, and a download', async () => {
    for (const body of [
      '<!doctype html><html><body><script>parent.steal()</script></body></html>',
      '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>',
    ]) {
      const item = await gw.core.media.put(Buffer.from(body));
      const res = await get(item.id, TOKEN);
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('text/plain');
      expect(res.headers['content-disposition']).toMatch(/^attachment;/);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('answers 404 for an unknown or malformed id, after authentication', async () => {
    expect((await get('0'.repeat(64), TOKEN)).statusCode).toBe(404);
    expect((await get('..%2F..%2Fgateway.db', TOKEN)).statusCode).toBe(404);
    expect((await get('..%2F..%2Fgateway.db')).statusCode).toBe(401);
  });
});
