import { randomBytes } from 'node:crypto';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { spawnGateway } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';

describe('canvas and A2UI hosts in a real browser', needs('chromium'), () => {
  it('serve nothing without auth, pages with a session cookie, and live-reload an edited file', async () => {
    const token = randomBytes(24).toString('base64url');
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const base = `http://127.0.0.1:${gw.port}`;
    const canvas = join(gw.stateDir, 'canvas');
    await writeFile(
      join(canvas, 'index.html'),
      '<!doctype html><html><body><h1 id="t">first</h1><link rel="stylesheet" href="style.css"></body></html>',
    );
    await writeFile(join(canvas, 'style.css'), 'h1 { color: rgb(255, 0, 0); }');

    const anonymous = await fetch(`${base}/__openclaw__/canvas/index.html`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).not.toContain('first');
    expect((await fetch(`${base}/__openclaw__/a2ui/`)).status).toBe(401);
    expect(
      (
        await fetch(`${base}/__openclaw__/session`, {
          method: 'POST',
          headers: { authorization: 'Bearer wrong' },
        })
      ).status,
    ).toBe(401);

    await using browser = await launchBrowser();
    const page = await browser.context.newPage();
    expect((await page.goto(`${base}/__openclaw__/canvas/`))?.status()).toBe(401);
    // The token exchange sets an HttpOnly, SameSite cookie; the page never sees the token.
    const login = await page.request.post(`${base}/__openclaw__/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(login.status()).toBe(204);
    const cookie = (await browser.context.cookies()).find((c) => c.name === 'openclaw_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
    const res = await page.goto(`${base}/__openclaw__/canvas/`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toContain('text/html');
    await expect.poll(() => page.textContent('#t')).toBe('first');
    expect(await page.evaluate(() => getComputedStyle(document.querySelector('#t')!).color)).toBe(
      'rgb(255, 0, 0)',
    );
    expect(await page.evaluate(() => document.cookie)).toBe('');

    // Let the live-reload stream connect, then edit the file.
    await page
      .waitForFunction(
        () => performance.getEntriesByType('resource').some((r) => r.name.includes('__events')),
        undefined,
        { timeout: 5000 },
      )
      .catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    const t0 = Date.now();
    await writeFile(
      join(canvas, 'index.html'),
      '<!doctype html><html><body><h1 id="t">second</h1></body></html>',
    );
    await page.waitForFunction(() => document.querySelector('#t')?.textContent === 'second', undefined, {
      timeout: 3000,
    });
    expect(Date.now() - t0).toBeLessThan(1000);
    await page.screenshot({ path: await artifactPath('canvas.png') });
  });

  it('refuses every way out of the canvas folder', async () => {
    const token = randomBytes(24).toString('base64url');
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const base = `http://127.0.0.1:${gw.port}`;
    const canvas = join(gw.stateDir, 'canvas');
    await writeFile(join(gw.stateDir, 'secret.txt'), 'TOP-SECRET');
    await mkdir(join(canvas, 'sub'), { recursive: true });
    await symlink(join(gw.stateDir, 'secret.txt'), join(canvas, 'sub', 'link.txt'));
    await symlink(gw.stateDir, join(canvas, 'outside'));
    const auth = { authorization: `Bearer ${token}` };
    for (const path of [
      '/__openclaw__/canvas/../secret.txt',
      '/__openclaw__/canvas/..%2fsecret.txt',
      '/__openclaw__/canvas/%2e%2e/secret.txt',
      '/__openclaw__/canvas/%2e%2e%2fsecret.txt',
      '/__openclaw__/canvas/sub/..%2f..%2fsecret.txt',
      '/__openclaw__/canvas/..%5csecret.txt',
      '/__openclaw__/canvas/sub/link.txt',
      '/__openclaw__/canvas/outside/secret.txt',
      '/__openclaw__/canvas/outside/gateway.token',
    ]) {
      const r = await fetch(`${base}${path}`, { headers: auth });
      const body = await r.text();
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(body, path).not.toContain('TOP-SECRET');
      expect(body, path).not.toContain(token);
    }
    expect((await fetch(`${base}/__openclaw__/canvas/index.html`, { headers: auth })).status).toBe(200);
  });

  it('renders pushed A2UI messages as visible components', async () => {
    const token = randomBytes(24).toString('base64url');
    await using gw = await spawnGateway({ env: { OPENCLAW_GATEWAY_TOKEN: token } });
    const base = `http://127.0.0.1:${gw.port}`;
    await using browser = await launchBrowser();
    const page = await browser.context.newPage();
    await page.request.post(`${base}/__openclaw__/session`, {
      headers: { authorization: `Bearer ${token}` },
    });
    await page.goto(`${base}/__openclaw__/a2ui/`);
    await page.waitForFunction(() => document.documentElement.dataset.a2uiReady === 'true', undefined, {
      timeout: 15_000,
    });
    const surfaces = await page.evaluate(() =>
      (window as unknown as { openclawA2ui: { push(m: unknown): string[] } }).openclawA2ui.push([
        {
          version: 'v0.9',
          createSurface: {
            surfaceId: 'main',
            catalogId: 'https://a2ui.org/specification/v0_9/catalogs/basic/catalog.json',
          },
        },
        {
          version: 'v0.9',
          updateComponents: {
            surfaceId: 'main',
            components: [
              { id: 'root', component: 'Column', children: ['title', 'body'] },
              { id: 'title', component: 'Text', text: 'Hello from A2UI' },
              { id: 'body', component: 'Text', text: 'Rendered by the gateway host page' },
            ],
          },
        },
      ]),
    );
    expect(surfaces).toEqual(['main']);
    const title = page.getByText('Hello from A2UI');
    await title.waitFor({ state: 'visible', timeout: 5000 });
    expect(await page.getByText('Rendered by the gateway host page').isVisible()).toBe(true);
    await page.screenshot({ path: await artifactPath('a2ui.png') });
    await page.evaluate(() =>
      (window as unknown as { openclawA2ui: { reset(): void } }).openclawA2ui.reset(),
    );
    await title.waitFor({ state: 'detached', timeout: 5000 });
  });
});
