// Issue 22, the Control UI an operator uses every day: the config page (sections, search, the
// schema's words, secrets as set/unset, a review before saving, errors with the allowed values
// and the key probably meant), logs (levels, follow, pause, export, local time), adding a channel
// from its provider's schema until it runs (WhatsApp by QR), the overview at a glance (exec
// approvals included), phone width, keyboard, copy buttons, and a screenshot of every page at
// desktop and phone width.
// The built page in Debian's Chromium against a real gateway process and the platform fakes.

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { GatewayClient, generateDeviceIdentity } from '@openclaw/protocol';
import { FakeTelegram, FakeWhatsApp, type WaLib } from '@openclaw/test-fakes';
import { type GatewayProcess, repoRoot, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { type Browser, launchBrowser, signedInPage } from './browser.ts';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'control-ui', 'issue-22');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
// A time zone with a half-hour offset: a time shown in it cannot be UTC by accident.
const TIME_ZONE = 'Asia/Kolkata';

async function shot(page: Page, name: string, part?: Locator): Promise<void> {
  await mkdir(ARTIFACTS, { recursive: true });
  const path = join(ARTIFACTS, `${name}.png`);
  if (part) await part.screenshot({ path });
  else await page.screenshot({ path, fullPage: true });
}

describe('issue 22: the Control UI in Chromium against a real gateway', needs('chromium'), () => {
  const token = 'ui-22-token-0123456789abcdefghijkl';
  let stateDir: string;
  let gw: GatewayProcess;
  let port: number;
  let base: string;
  let browser: Browser;
  let page: Page;
  let telegram: FakeTelegram;
  let telegram2: FakeTelegram;
  let whatsapp: FakeWhatsApp;
  const clients: GatewayClient[] = [];
  let pageErrors: string[] = [];
  /** Methods the page sent over its WebSocket, in order. */
  const sent: string[] = [];

  const start = (p = 0) =>
    spawnGateway({
      stateDir,
      env: { OPENCLAW_GATEWAY_TOKEN: token },
      ...(p ? { args: ['--port', String(p)] } : {}),
    });

  /** The parts of the config file the tests read back. */
  interface ConfigFile {
    gateway?: unknown;
    pairing: { autoApproveLoopback?: boolean };
    channels: {
      telegram: { botToken?: string; pollRetryMs?: number; accounts?: Record<string, unknown> };
      whatsapp?: unknown;
    };
  }
  const configFile = async () =>
    JSON.parse(await readFile(join(stateDir, 'openclaw.json'), 'utf8')) as ConfigFile;

  /** An operator over the SDK, with the shared token (a CLI-like helper for the test). */
  async function operator(): Promise<GatewayClient> {
    const c = new GatewayClient({
      url: gw.url,
      client: { id: 'cli', version: '1.0.0', platform: 'linux', mode: 'cli' },
      auth: { token },
      scopes: ['operator.admin'],
    });
    clients.push(c);
    await c.connect();
    return c;
  }

  /** A wrong-token connect, refused: an auth failure in the audit log. */
  async function failSignIn(i: number): Promise<void> {
    const c = new GatewayClient({
      url: gw.url,
      client: { id: 'cli', version: '1.0.0', platform: 'linux', mode: 'cli' },
      auth: { token: `wrong-token-${i}-0000000000000000` },
      reconnect: false,
    });
    await c.connect().catch(() => undefined);
    await c.close();
  }

  async function restartGateway(): Promise<void> {
    await gw.stop();
    gw = await start(port);
    await page.getByTestId('connection').filter({ hasText: 'Connected' }).waitFor({ timeout: 20_000 });
  }

  beforeAll(async () => {
    stateDir = await tempStateDir();
    telegram = await FakeTelegram.start({ holdMs: 100 });
    telegram2 = await FakeTelegram.start({
      holdMs: 100,
      token: '424242:second-bot-token',
      username: 'support_bot',
    });
    whatsapp = await FakeWhatsApp.start({
      lib: createRequire(import.meta.url)('@whiskeysockets/baileys') as WaLib,
    });
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        // A loopback client is throttled after three wrong secrets (quickly, so the test's own
        // clients with the right one are not slowed down).
        auth: { rateLimit: { maxFailures: 3, loopbackIntervalMs: 20 } },
        channels: {
          telegram: {
            botToken: telegram.token,
            apiRoot: telegram.apiRoot,
            pacing: { perChatMs: 0, perAccountMs: 0 },
            pollRetryMs: 200,
          },
        },
      }),
    );
    gw = await start();
    port = gw.port;
    base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
    browser = await launchBrowser({ timezoneId: TIME_ZONE, viewport: DESKTOP });
    await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base });
    // Loopback browsers are approved silently by default; the config test turns that off.
    ({ page, errors: pageErrors } = await signedInPage(browser, {
      base,
      token,
      watch: (p) =>
        p.on('websocket', (ws) =>
          ws.on('framesent', (f) => {
            const method = /"method":"([^"]+)"/.exec(String(f.payload))?.[1];
            if (method) sent.push(method);
          }),
        ),
      atSignInForm: async (p) => {
        await shot(p, 'connect-desktop');
        await p.setViewportSize(PHONE);
        await shot(p, 'connect-phone');
        await p.setViewportSize(DESKTOP);
      },
    }));
  }, 90_000);

  afterAll(async () => {
    for (const c of clients) await c.close();
    await browser?.[Symbol.asyncDispose]();
    await gw?.stop().catch(() => undefined);
    await telegram?.close();
    await telegram2?.close();
    await whatsapp?.close();
  });

  it('Logs: local times, a level filter, search, follow, pause and export', async () => {
    await failSignIn(100);
    const op = await operator();
    for (let i = 0; i < 30; i++) await op.request('system-event', { text: `filler line ${i}` });
    await page.goto(`${base}/#/logs`);
    const log = page.getByTestId('log');
    await expect.poll(() => log.locator('li').count(), { timeout: 10_000 }).toBeGreaterThan(30);

    // Times in this browser's zone (Asia/Kolkata here), not the gateway's UTC.
    const first = log.locator('li[data-level] time').first();
    const iso = (await first.getAttribute('datetime')) ?? '';
    const local = new Intl.DateTimeFormat('en-GB', {
      timeZone: TIME_ZONE,
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }).format(new Date(iso));
    expect((await first.textContent())?.slice(0, 8)).toBe(local);
    expect(local).not.toBe(iso.slice(11, 19));

    // Levels: info off leaves warnings; on again, they are back.
    await page.getByRole('button', { name: /^info \d+$/ }).click();
    await expect.poll(() => log.locator('li[data-level="info"]').count()).toBe(0);
    expect(await log.locator('li[data-level="warn"]').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: /^info \d+$/ }).click();
    await expect.poll(() => log.locator('li[data-level="info"]').count()).toBeGreaterThan(0);
    // Search by every word.
    await page.getByLabel('Search the log').fill('filler line 29');
    await expect
      .poll(() => log.locator('li').allTextContents())
      .toEqual([expect.stringContaining('filler line 29')]);
    // A search that matches nothing says so, instead of an empty box.
    await page.getByLabel('Search the log').fill('no such line anywhere');
    await expect
      .poll(() => log.locator('li').allTextContents())
      .toEqual(['No line matches the search and the levels chosen.']);
    await page.getByLabel('Search the log').fill('');

    // Follow keeps the newest line in view; scrolling up to read stops it.
    const atEnd = () =>
      log.evaluate(
        (el) => el.scrollHeight - el.scrollTop - el.clientHeight < 2 && el.scrollHeight > el.clientHeight,
      );
    await expect.poll(atEnd).toBe(true);
    const follow = page.getByRole('button', { name: 'Follow' });
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    await log.evaluate((el) => {
      el.scrollTop = 0;
    });
    await expect.poll(() => follow.getAttribute('aria-pressed')).toBe('false');
    await op.request('system-event', { text: 'while reading' });
    await expect
      .poll(() => log.locator('li', { hasText: 'while reading' }).count(), { timeout: 5000 })
      .toBe(1);
    expect(await log.evaluate((el) => el.scrollTop)).toBe(0);
    await page.getByRole('button', { name: 'Jump to the newest line' }).click();
    await expect.poll(atEnd).toBe(true);
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    await shot(page, 'logs-desktop');

    // Pause: no logs.tail goes out (while the page's health polls show it is alive); resume reads on.
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect.poll(() => page.getByTestId('log-status').textContent()).toMatch(/^Paused/);
    const pausedAt = sent.length;
    await op.request('system-event', { text: 'written while paused' });
    await expect
      .poll(() => sent.slice(pausedAt).filter((m) => m === 'health').length, { timeout: 15_000 })
      .toBeGreaterThanOrEqual(2);
    expect(sent.slice(pausedAt)).not.toContain('logs.tail');
    expect(await log.locator('li', { hasText: 'written while paused' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Resume' }).click();
    await expect
      .poll(() => log.locator('li', { hasText: 'written while paused' }).count(), { timeout: 5000 })
      .toBe(1);

    // Export what is shown: readable text in local time, or the JSON lines as they came.
    await page.getByLabel('Search the log').fill('filler line');
    await expect.poll(() => log.locator('li').count()).toBe(30);
    const [text] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export text' }).click(),
    ]);
    expect(text.suggestedFilename()).toMatch(/^openclaw-gateway-\d{4}-\d\d-\d\d-\d{4}\.log$/);
    const lines = (await readFile((await text.path()) ?? '', 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(30);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO .*filler line 0/);
    const [json] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export JSON' }).click(),
    ]);
    const records = (await readFile((await json.path()) ?? '', 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { msg: string; time: number });
    expect(records.map((r) => r.msg)).toEqual(Array.from({ length: 30 }, (_, i) => `filler line ${i}`));
    // The text export's first time is that record's time in the browser's zone.
    expect(lines[0]?.slice(0, 8)).toBe(
      new Intl.DateTimeFormat('en-GB', {
        timeZone: TIME_ZONE,
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(records[0]!.time)),
    );
    await page.getByLabel('Search the log').fill('');
  }, 60_000);

  it('Config: one section at a time with navigation and search, the schema’s words on each field, secrets as set/unset, a review before saving', async () => {
    await page.goto(`${base}/#/config`);
    const nav = page.getByRole('navigation', { name: 'Config sections' });
    await nav.getByRole('link', { name: 'Gateway' }).waitFor({ timeout: 10_000 });
    // Sections, not one long scroll: the gateway section alone, the others a link away.
    expect(await page.locator('.field[data-path="gateway.port"]').count()).toBe(1);
    expect(await page.locator('.field[data-path="limits.tickIntervalMs"]').count()).toBe(0);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThan(2000);
    for (const name of ['Auth', 'Limits', 'Logging', 'Telegram', 'WhatsApp', 'JSON5 patch']) {
      expect(await nav.getByRole('link', { name, exact: true }).count(), name).toBe(1);
    }
    // Each field with its description, allowed values, range and default, from the schema.
    const bind = page.locator('.field[data-path="gateway.bind"]');
    expect(await bind.locator('.hint').textContent()).toMatch(
      /Where to listen.*One of\s+loopback\s+lan\s+tailnet\s+custom.*Default: loopback/s,
    );
    expect(await page.locator('.field[data-path="gateway.port"] .hint').textContent()).toMatch(
      /From 0 to 65535\.\s+Default: 18789\./,
    );
    await shot(page, 'config-desktop');

    await nav.getByRole('link', { name: 'Limits' }).click();
    const tick = page.locator('.field[data-path="limits.tickIntervalMs"]');
    await tick.waitFor();
    expect(await tick.locator('.hint').textContent()).toMatch(/At least 50\.\s+Default: 15000\./);

    // Search, reached with "/": across every section, by key, words or provider name.
    await page.locator('main h1').click();
    await page.keyboard.press('/');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('config-search');
    await page.keyboard.type('telegram token');
    const results = page.getByTestId('config-search-results');
    await expect.poll(() => results.locator('.field').count()).toBeGreaterThan(0);
    expect(await results.locator('.field[data-path="channels.telegram.botToken"]').count()).toBe(1);
    await shot(page, 'config-search-desktop');
    await page.getByLabel('Search settings').fill('');

    // The Telegram token: set, never shown; Replace asks for a new one. Typed here it is the same
    // token, so the account keeps working.
    await nav.getByRole('link', { name: 'Telegram' }).click();
    const botToken = page.locator('.field[data-path="channels.telegram.botToken"]');
    await botToken.waitFor();
    expect(await botToken.getByTestId('secret-state').getAttribute('data-set')).toBe('true');
    const everything = await page.content();
    expect(everything).not.toContain(telegram.token);
    expect(everything).not.toContain('__OPENCLAW_REDACTED__');
    // Remove is offered, and undone.
    await page.getByRole('button', { name: 'Remove channels.telegram.botToken' }).click();
    expect(await botToken.getByTestId('secret-state').getAttribute('data-set')).toBe('removed');
    await page.getByRole('button', { name: 'Keep channels.telegram.botToken' }).click();
    await page.getByRole('button', { name: 'Replace channels.telegram.botToken' }).click();
    const tokenInput = botToken.locator('input[type="password"]');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('type'))).toBe('password');
    await tokenInput.fill(telegram.token);
    // A non-secret beside it, and one in another section.
    await page.locator('#cfg-channels_telegram_pollRetryMs').fill('300');
    await nav.getByRole('link', { name: 'Pairing' }).click();
    const loopback = page.locator('#cfg-pairing_autoApproveLoopback');
    expect(await loopback.isChecked()).toBe(true);
    await loopback.uncheck();
    // The navigation counts unsaved changes per section.
    expect(await nav.getByRole('link', { name: /Telegram/ }).textContent()).toMatch(/2/);

    await page.getByRole('button', { name: 'Review and save' }).click();
    const review = page.locator('#config-review');
    await review.waitFor({ state: 'visible' });
    const diff = review.getByTestId('config-diff');
    expect(await diff.locator('tr[data-path="pairing.autoApproveLoopback"]').textContent()).toMatch(
      /true\s*false/,
    );
    expect(await diff.locator('tr[data-path="channels.telegram.pollRetryMs"]').textContent()).toMatch(
      /200\s*300/,
    );
    expect(await diff.locator('tr[data-path="channels.telegram.botToken"]').textContent()).toMatch(
      /set\s*replaced/,
    );
    expect(await review.textContent()).not.toContain(telegram.token);
    await shot(page, 'config-review-desktop', review);
    await review.getByRole('button', { name: 'Save' }).click();
    const notice = page.getByTestId('config-notice');
    await expect.poll(() => notice.textContent(), { timeout: 10_000 }).toContain('Saved.');
    expect(await notice.textContent()).toMatch(/Applied now:.*pairing\.autoApproveLoopback/s);
    const saved = await configFile();
    expect(saved.pairing.autoApproveLoopback).toBe(false);
    expect(saved.channels.telegram.pollRetryMs).toBe(300);
    expect(saved.channels.telegram.botToken).toBe(telegram.token);
    // Saved and read back: nothing left unsaved.
    expect(await page.getByRole('button', { name: 'Review and save' }).count()).toBe(0);
  }, 60_000);

  it('Config: errors name the key, list the allowed values, and point to the key probably meant', async () => {
    await page.goto(`${base}/#/config/%40patch`);
    const editor = page.getByTestId('patch-editor');
    await editor.waitFor({ timeout: 10_000 });
    await editor.fill("{ gateway: { bind: 'everywhere', prot: 1 } }");
    await page.getByRole('button', { name: 'Apply patch' }).click();
    const summary = page.locator('#config-issues');
    await summary.waitFor({ timeout: 10_000 });
    const bindIssue = summary.locator('[data-issue-path="gateway.bind"]');
    expect(await bindIssue.textContent()).toMatch(/gateway\.bind.*must be one of.*"everywhere"/s);
    expect(await bindIssue.getByTestId('allowed').textContent()).toMatch(
      /Allowed:\s+loopback\s+lan\s+tailnet\s+custom/,
    );
    const protIssue = summary.locator('[data-issue-path="gateway.prot"]');
    expect(await protIssue.textContent()).toMatch(
      /gateway\.prot\s+unknown key; did you mean gateway\.port\?/,
    );
    await shot(page, 'config-errors-desktop');
    // The suggestion takes you to the key meant, focused.
    await protIssue.getByRole('button', { name: 'Go to gateway.port' }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('cfg-gateway_port');
    expect(await page.locator('#config-section-title').textContent()).toContain('Gateway');
    // The file was not touched.
    expect((await configFile()).gateway).toBeUndefined();

    // A value the schema refuses, typed in the form: the message sits at the field, with its path.
    await page
      .getByRole('navigation', { name: 'Config sections' })
      .getByRole('link', { name: 'Limits' })
      .click();
    const tick = page.locator('.field[data-path="limits.tickIntervalMs"]');
    await tick.getByRole('textbox').fill('10');
    await page.getByRole('button', { name: 'Review and save' }).click();
    await page.locator('#config-review').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => tick.getByTestId('field-error').textContent(), { timeout: 10_000 })
      .toMatch(/limits\.tickIntervalMs.*at least 50.*got 10/s);
    expect(await tick.getByRole('textbox').getAttribute('aria-invalid')).toBe('true');
    await page.getByRole('button', { name: 'Discard' }).click();
    expect(await tick.getByRole('textbox').inputValue()).toBe('15000');
  }, 45_000);

  it('Overview: channels with inbound liveness, event-loop and memory sparklines, sign-in failures and lockouts, pending approvals', async () => {
    await page.goto(`${base}/#/overview`);
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    const telegramLine = page.locator(
      '[data-testid="overview-channels"] li[data-account="telegram/default"]',
    );
    await telegramLine.waitFor({ timeout: 10_000 });
    expect(await telegramLine.getAttribute('data-state')).toBe('running');
    expect(await telegramLine.textContent()).toContain('no message received yet');

    // Sparklines fill as health samples come in (polled every few seconds).
    for (const id of ['spark-loop', 'spark-memory']) {
      await expect
        .poll(async () => Number(await page.getByTestId(id).getAttribute('data-points')), { timeout: 15_000 })
        .toBeGreaterThanOrEqual(2);
      expect(await page.getByTestId(id).locator('polyline').getAttribute('points')).toMatch(
        /^[\d.]+,[\d.]+( [\d.]+,[\d.]+)+$/,
      );
    }
    expect(await page.getByTestId('memory-rss').textContent()).toMatch(/\d+(\.\d)? MB/);
    expect(await page.getByTestId('loop-p99').textContent()).toMatch(/\d+\.\d ms/);

    // Sign-in failures, and the throttle they set off on loopback (three in a row here).
    for (let i = 0; i < 3; i++) await failSignIn(i);
    // An unknown DM sender gets a pairing code; a new device asks to pair (no silent loopback
    // approval since the config test).
    await telegram.pushMessage({ chatId: 901, from: { id: 901, first_name: 'Bob' }, text: 'hello?' });
    const identity = await generateDeviceIdentity();
    const second = new GatewayClient({
      url: gw.url,
      client: {
        id: 'test-device',
        version: '1.0.0',
        platform: 'linux',
        mode: 'backend',
        displayName: 'kitchen-pi',
      },
      identity,
      auth: { token },
      waitForPairing: true,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400 },
    });
    clients.push(second);
    const paired = second.connect();
    await page.reload();
    const approvals = page.getByTestId('pending-approvals');
    await approvals.getByRole('button', { name: 'Approve device kitchen-pi' }).waitFor({ timeout: 15_000 });
    await approvals.getByRole('button', { name: 'Approve Bob on Telegram' }).waitFor({ timeout: 15_000 });
    const failures = page.getByTestId('auth-failure-list');
    await expect
      .poll(() => failures.locator('li[data-action="auth.failed"]').count())
      .toBeGreaterThanOrEqual(3);
    expect(await failures.locator('li[data-action="auth.failed"]').first().textContent()).toMatch(
      /from 127\.0\.0\.1/,
    );
    expect(await failures.textContent()).toMatch(/wrong token.*AUTH_TOKEN_MISMATCH/s);
    expect(await failures.locator('li[data-action="auth.locked"]').count()).toBeGreaterThanOrEqual(1);
    expect(await page.getByTestId('lockouts').textContent()).toMatch(
      /This machine \(loopback\).*slowed down \(shared-secret\) after \d+ failures/s,
    );
    // Inbound liveness: the message from Bob counts.
    await expect
      .poll(() => telegramLine.textContent(), { timeout: 15_000 })
      .toMatch(/last message (just now|\d+ s ago)/);
    expect(await page.getByTestId('waiting').textContent()).toMatch(/^\s*2\s*$/);
    await shot(page, 'overview-desktop');

    // The pairing code has a copy button; approvals happen right here.
    const bob = approvals.locator('li', { hasText: 'Bob' });
    const code = (await bob.getAttribute('data-request-id')) ?? '';
    await bob.getByRole('button', { name: 'Copy pairing code' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(code);
    await approvals.getByRole('button', { name: 'Approve device kitchen-pi' }).click();
    expect((await paired).auth.role).toBe('operator');
    await approvals.getByRole('button', { name: 'Approve Bob on Telegram' }).click();
    await expect.poll(() => approvals.textContent(), { timeout: 10_000 }).toContain('Nothing waits for you');

    // A command waiting to run on a node shows up live, counted in the sidebar, and is decided here.
    const op = await operator();
    const asked = await Promise.all(
      [
        ['uname', '-a'],
        ['rm', '-rf', '/tmp/cache'],
      ].map((argv) =>
        op.request('exec.approval.request', {
          command: argv.join(' '),
          commandArgv: argv,
          timeoutMs: 60_000,
        }),
      ),
    );
    const run = (i: number) => approvals.locator(`li[data-approval-id="${asked[i]!.id}"]`);
    await run(1).waitFor({ timeout: 10_000 });
    expect(await run(0).textContent()).toMatch(/uname -a\s*command to run on a node · asked by /);
    expect(await page.getByTestId('waiting').textContent()).toMatch(/^\s*2\s*$/);
    const overviewLink = page
      .getByRole('navigation', { name: 'Sections' })
      .getByRole('link', { name: /Overview/ });
    await expect.poll(() => overviewLink.locator('.nav-count').textContent()).toBe('2');
    await shot(page, 'overview-exec-approvals-desktop', approvals);
    await run(0).getByRole('button', { name: 'Copy approval id' }).click();
    await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(asked[0]!.id);
    await approvals.getByRole('button', { name: 'Allow once: uname -a' }).click();
    await approvals.getByRole('button', { name: 'Deny: rm -rf /tmp/cache' }).click();
    await expect.poll(() => approvals.textContent(), { timeout: 10_000 }).toContain('Nothing waits for you');
    const decided = await Promise.all(asked.map((a) => op.request('exec.approval.get', { id: a.id })));
    expect(decided.map((a) => [a.status, a.decision])).toEqual([
      ['resolved', 'allow-once'],
      ['resolved', 'deny'],
    ]);
    await expect.poll(() => overviewLink.locator('.nav-count').count()).toBe(0);

    // Connected devices are the clients: the gateway's own presence entry is the header above.
    const self = (await op.request('system-presence')).find((p) => p.mode === 'gateway');
    expect(self?.instanceId).toBeTruthy();
    const presenceRows = page.locator('tr[data-presence-key]');
    await presenceRows.first().waitFor();
    expect(
      await presenceRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-presence-key'))),
    ).not.toContain(self?.instanceId);
  }, 60_000);

  it('Add a channel: a second Telegram bot from the provider’s schema, refused with the reason, then live until it runs', async () => {
    await page.goto(`${base}/#/channels`);
    await page.getByRole('link', { name: 'Add a channel' }).click();
    const picker = page.getByTestId('provider-picker');
    await picker.waitFor({ timeout: 10_000 });
    expect(
      await picker
        .locator('a[data-provider]')
        .evaluateAll((as) => as.map((a) => a.getAttribute('data-provider'))),
    ).toEqual(['telegram', 'slack', 'discord', 'signal', 'imessage', 'whatsapp']);
    // What each provider needs comes from its schema's credential marks: for Slack, what its
    // default (socket) mode needs, not the events-http signing secret.
    const slackNeeds = await picker.locator('a[data-provider="slack"]').textContent();
    expect(slackNeeds).toMatch(/Needs botToken and appToken/);
    expect(slackNeeds).not.toMatch(/signingSecret/);
    expect(await picker.locator('a[data-provider="whatsapp"]').textContent()).toMatch(/QR code/);
    await shot(page, 'add-channel-desktop');
    await picker.locator('a[data-provider="telegram"]').click();
    await page.getByRole('heading', { name: 'Add a Telegram account' }).waitFor();
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');

    // The credential first, required; the rest folded away under "More options".
    await page.getByRole('button', { name: 'Add account' }).click();
    expect(await page.locator('#add-account-id').getAttribute('aria-invalid')).toBe('true');
    expect(
      await page.locator('.field[data-path="botToken"] [data-testid="field-error"]').textContent(),
    ).toContain('Required');
    await page.getByLabel('Account id').fill('support');
    await page.locator('#cfg-botToken').fill('not-a-token');
    await page.getByText(/More options/).click();
    await page.locator('#cfg-apiRoot').fill(telegram2.apiRoot);
    await page.locator('#cfg-pollRetryMs').fill('200');
    await shot(page, 'add-telegram-form-desktop');
    // The gateway judges with the provider's schema and says why, at the field.
    await page.getByRole('button', { name: 'Add account' }).click();
    const tokenError = page.locator('.field[data-path="botToken"] [data-testid="field-error"]');
    await expect
      .poll(() => tokenError.textContent(), { timeout: 10_000 })
      .toMatch(/does not look like a Telegram bot token/);
    expect(await tokenError.textContent()).not.toContain('not-a-token');

    await page.locator('#cfg-botToken').fill(telegram2.token);
    await page.getByRole('button', { name: 'Add account' }).click();
    const status = page.getByTestId('new-account-status');
    await status.waitFor({ timeout: 10_000 });
    const saved = await configFile();
    expect(saved.channels.telegram.accounts).toEqual({
      default: {},
      support: { botToken: telegram2.token, apiRoot: telegram2.apiRoot, pollRetryMs: 200 },
    });
    // The first account keeps its token where it was, shared with the new one unless overridden.
    expect(saved.channels.telegram.botToken).toBe(telegram.token);

    // Until channels apply live, the page says to restart, with the commands ready to copy.
    const restart = page.getByTestId('restart-needed');
    if (await restart.count()) {
      await restart.getByRole('button', { name: 'Copy stop command' }).click();
      await expect
        .poll(() => page.evaluate(() => navigator.clipboard.readText()))
        .toBe('openclaw gateway stop');
      await shot(page, 'add-telegram-restart-desktop');
      await restartGateway();
    }
    // Live: it turns green once running, with who it is on Telegram.
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    expect(await status.locator('.dot').getAttribute('class')).toContain('ok');
    expect(await status.textContent()).toContain('Connected as @support_bot');
    await shot(page, 'add-telegram-running-desktop');
    await page.getByRole('link', { name: 'Done' }).click();
    const row = page.locator('table[data-channel="telegram"] tr[data-account="support"]');
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
    // The first account still runs.
    expect(
      await page
        .locator('table[data-channel="telegram"] tr[data-account="default"]')
        .getAttribute('data-state'),
    ).toBe('running');

    // A failure that needs the operator says what to do, with the command in it ready to copy.
    telegram2.failNext({ method: 'getUpdates', status: 409 });
    const todo = row.getByText(/^To do:/);
    await todo.waitFor({ timeout: 15_000 });
    expect(await todo.textContent()).toMatch(/stop the other process using this bot token.*then run:/);
    await todo.getByRole('button', { name: 'Copy command' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe('openclaw channels start telegram');
    await shot(page, 'channels-todo-desktop', row);
    await row.getByRole('button', { name: 'Start Telegram account support' }).click();
    await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('running');
  }, 90_000);

  it('Add a channel: WhatsApp is saved, linked by QR on the page, and turns green', async () => {
    await page.goto(`${base}/#/channels/add/whatsapp`);
    await page.getByRole('heading', { name: 'Add a WhatsApp account' }).waitFor({ timeout: 10_000 });
    expect(await page.getByLabel('Account id').inputValue()).toBe('default');
    await page.getByText(/More options/).click();
    await page.locator('#cfg-waWebSocketUrl').fill(whatsapp.wsUrl);
    await page.getByRole('button', { name: 'Add account' }).click();
    const status = page.getByTestId('new-account-status');
    await status.waitFor({ timeout: 10_000 });
    expect((await configFile()).channels.whatsapp).toEqual({ waWebSocketUrl: whatsapp.wsUrl });
    if (await page.getByTestId('restart-needed').count()) await restartGateway();
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('awaiting-login');
    const linking = status.getByTestId('whatsapp-linking');
    await linking.getByRole('button', { name: 'Show the QR code' }).click();
    const qr = linking.getByRole('img', { name: 'WhatsApp linking QR code' });
    await qr.waitFor({ state: 'visible', timeout: 20_000 });
    expect(await qr.getAttribute('src')).toMatch(/^data:image\/png;base64,/);
    await shot(page, 'add-whatsapp-qr-desktop');
    await whatsapp.scanQr((await qr.getAttribute('data-qr')) ?? '');
    await expect.poll(() => status.getAttribute('data-state'), { timeout: 20_000 }).toBe('running');
    expect(await status.locator('.dot').getAttribute('class')).toContain('ok');
    await shot(page, 'add-whatsapp-running-desktop');
  }, 90_000);

  it('Phone width, keyboard, visible focus and copy buttons, with a screenshot of every page at both widths', async () => {
    const pages = [
      ['overview', 'Overview'],
      ['logs', 'Logs'],
      ['channels', 'Channels'],
      ['channels/add', 'Add a channel'],
      ['channels/add/slack', 'Add a Slack account'],
      ['devices', 'Devices'],
      ['nodes', 'Nodes'],
      ['chat', 'WebChat'],
      ['config', 'Config'],
      ['config/channels.telegram', 'Config'],
    ] as const;
    for (const [viewport, label] of [
      [DESKTOP, 'desktop'],
      [PHONE, 'phone'],
    ] as const) {
      await page.setViewportSize(viewport);
      for (const [route, heading] of pages) {
        await page.goto(`${base}/#/${route}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 10_000 });
        await page.locator('main').getByText('Loading…').waitFor({ state: 'detached' });
        // Nothing pushes the page sideways.
        expect(
          await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth),
          route,
        ).toBe(true);
        await shot(page, `${route.replace(/[/.]/g, '-')}-${label}`);
      }
    }

    // Phone: tables become lists (one card per row, each value under its column's name).
    await page.goto(`${base}/#/devices`);
    const row = page.locator('[data-testid="paired-devices"] tbody tr[data-device-id]').first();
    await row.waitFor();
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('block');
    expect(
      await row
        .locator('td')
        .first()
        .evaluate((el) => getComputedStyle(el, '::before').content),
    ).toBe('"Device"');
    // The sections are behind a menu button; Escape closes the menu again.
    const menu = page.getByRole('button', { name: 'Open the menu' });
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    // (No slide-in, so the picture shows the drawer open.)
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await menu.click();
    await expect.poll(() => page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(true);
    // Focus moves into the menu, to the current page (on the next frame).
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Devices');
    await page.screenshot({ path: join(ARTIFACTS, 'menu-phone.png') });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);
    await page.getByRole('button', { name: 'Open the menu' }).click();
    await page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name: 'Logs' }).click();
    await page.getByRole('heading', { name: 'Logs', exact: true }).waitFor();
    expect(await page.getByRole('navigation', { name: 'Sections' }).isVisible()).toBe(false);

    // Desktop: the same table is a table.
    await page.setViewportSize(DESKTOP);
    await page.goto(`${base}/#/devices`);
    await row.waitFor();
    expect(await row.evaluate((el) => getComputedStyle(el).display)).toBe('table-row');

    // Copy buttons beside every id: each device row's copies its full id.
    const rows = page.locator('[data-testid="paired-devices"] tbody tr[data-device-id]');
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-device-id')));
    expect(ids.length).toBeGreaterThanOrEqual(2);
    for (const [i, id] of ids.entries()) {
      await rows.nth(i).getByRole('button', { name: 'Copy device id' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(id);
    }
    // The node page's start command is copyable as printed.
    await page.goto(`${base}/#/nodes`);
    const startNode = page.getByTestId('start-node');
    await startNode.waitFor();
    await page.getByRole('button', { name: 'Copy command' }).click();
    await expect
      .poll(() => page.evaluate(() => navigator.clipboard.readText()))
      .toBe((await startNode.textContent())?.trim());

    // Keyboard: g then a letter goes to a page and lands on its heading; ? lists the shortcuts.
    await page.locator('main h1').click();
    await page.keyboard.press('g');
    await page.keyboard.press('c');
    await page.getByRole('heading', { name: 'Channels', exact: true }).waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor({ state: 'visible' });
    expect(await help.textContent()).toMatch(/g\s*l\s*Logs/);
    await shot(page, 'shortcuts-desktop', help);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'hidden' });

    // Visible focus: the first Tab lands on the skip link, the next on the first section, with
    // the focus ring.
    await page.goto(`${base}/#/overview`);
    await page.reload();
    await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent?.trim())).toBe('Skip to content');
    await page.keyboard.press('Tab');
    const ring = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const s = getComputedStyle(el);
      return { text: el.textContent?.trim(), style: s.outlineStyle, width: s.outlineWidth };
    });
    expect(ring).toEqual({ text: 'Overview', style: 'solid', width: '3px' });

    expect(pageErrors.filter((e) => !/^WebSocket connection to .*ERR_CONNECTION_REFUSED$/.test(e))).toEqual(
      [],
    );
  }, 120_000);
});
