// Opt-in (`pnpm test:interop`): our Control UI and the reference's built one, side by side on the
// same pages against the same gateway (one of ours, with a Telegram account on the fake Bot API
// and a WebChat exchange), at desktop and phone width, and the desktop pages in dark too. The pictures land in
// test-artifacts/compare/<page>-<ours|reference>-<desktop|phone|desktop-dark>.png for docs/CONTROL-UI.md.
// Needs the reference package (installed on first run, see reference-clients.ts) and Chromium.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeTelegram, waitFor } from '@openclaw/test-fakes';
import { connectOperator, type GatewayProcess, repoRoot, spawnGateway } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { type Browser, launchBrowser, signedInPage } from './browser.ts';
import { ensureReference, quietWebSocket, type ServedUi, serveReferenceUi } from './reference-clients.ts';

const TOKEN = 'compare-token-0123456789abcdefgh';
const OUT = join(repoRoot, 'test-artifacts', 'compare');
const WIDTHS = [
  ['desktop', { width: 1280, height: 860 }, 'light'],
  ['phone', { width: 390, height: 844 }, 'light'],
  // Both follow the system's colour scheme: the desktop pages once more in dark.
  ['desktop-dark', { width: 1280, height: 860 }, 'dark'],
] as const;

/** The same page in each UI: our hash route and heading, the reference's path. */
const PAGES: [name: string, ours: string, heading: string, reference: string][] = [
  ['overview', 'overview', 'Overview', '/'],
  ['channels', 'channels', 'Channels', '/settings/channels'],
  ['chat', 'chat/main', 'WebChat', '/chat/main'],
  ['config', 'config', 'Config', '/settings/general'],
  ['logs', 'logs', 'Logs', '/logs'],
  ['nodes', 'nodes', 'Nodes', '/nodes'],
];

describe('our Control UI beside the reference’s, same pages, same gateway', needs('chromium'), () => {
  let tg: FakeTelegram;
  let gw: GatewayProcess;
  let ui: ServedUi;
  let browser: Browser;

  beforeAll(async () => {
    await ensureReference();
    tg = await FakeTelegram.start({ holdMs: 100 });
    gw = await spawnGateway({
      token: TOKEN,
      config: { channels: { telegram: { botToken: tg.token, apiRoot: tg.apiRoot, dmPolicy: 'open' } } },
      timeoutMs: 60_000,
    });
    // Something to show: a WebChat exchange with the echo agent, and an inbound Telegram DM.
    const op = await connectOperator(gw.url, TOKEN, { scopes: ['operator.admin'] });
    await op.request('chat.send', {
      sessionKey: 'main',
      message: 'hello from the comparison',
      idempotencyKey: 'cmp-1',
    });
    await tg.pushMessage({ chatId: 77, from: { id: 77, first_name: 'Ann' }, text: 'hi there' });
    await waitFor(() => tg.sentTexts('77').length > 0, 30_000, 'the echo reply on Telegram');
    await op.close();
    ui = await serveReferenceUi(gw.port);
    browser = await launchBrowser();
    await mkdir(OUT, { recursive: true });
  }, 600_000);

  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await ui?.close();
    await gw?.stop().catch(() => undefined);
    await tg?.close();
  });

  it('ours: every page at both widths, nothing wider than the screen', async () => {
    const base = `http://127.0.0.1:${gw.port}`;
    const { page } = await signedInPage(browser, { base, token: TOKEN, timeoutMs: 30_000 });
    for (const [width, viewport, colorScheme] of WIDTHS) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      for (const [name, route, heading] of PAGES) {
        await page.goto(`${base}/#/${route}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 20_000 });
        await page.locator('main').getByText('Loading…').waitFor({ state: 'detached' });
        // What the page read has arrived (the overview and logs say "Reading…" until then).
        await expect
          .poll(() => page.locator('main').textContent(), { timeout: 20_000 })
          .not.toMatch(/Reading the/);
        expect(await page.locator('main [role="alert"]:visible').allInnerTexts(), name).toEqual([]);
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
          name,
        ).toBe(true);
        await page.screenshot({ path: join(OUT, `${name}-ours-${width}.png`) });
      }
    }
    await page.close();
  }, 300_000);

  it('the reference’s: the same pages at both widths, connected to our gateway', async () => {
    const page = await browser.context.newPage();
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    const hellos = () => frames.filter((f) => f.includes('"hello-ok"')).length;
    let first = true;
    for (const [width, viewport, colorScheme] of WIDTHS) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      for (const [name, , , path] of PAGES) {
        const before = hellos();
        // The first visit hands the UI the gateway token, as its documented #token link does.
        await page.goto(first ? `${ui.url}/#token=${TOKEN}` : `${ui.url}${path}`, {
          waitUntil: 'domcontentloaded',
        });
        await waitFor(() => hellos() > before, 90_000, `hello-ok on ${name}`);
        if (first) {
          first = false;
          await quietWebSocket(frames).catch(() => undefined);
          if (path !== '/') await page.goto(`${ui.url}${path}`, { waitUntil: 'domcontentloaded' });
        }
        await quietWebSocket(frames).catch(() => undefined);
        await page.screenshot({ path: join(OUT, `${name}-reference-${width}.png`) });
      }
    }
    await page.close();
  }, 600_000);
});
