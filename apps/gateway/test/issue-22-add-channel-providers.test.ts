// Issue 22, "add a channel" for every provider that takes credentials: Slack, Discord, Signal and
// iMessage are each added on the Control UI's page (the form built from the provider's own
// schema, the base URL under "More options" pointed at the platform's wire-level fake), saved
// while the gateway runs, and followed live until the account is green — no restart. Telegram
// and WhatsApp go through the same flow in issue-22-control-ui.test.ts.
// The built page in Debian's Chromium against a real gateway process and the platform fakes.

import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FakeBlueBubbles, FakeDiscord, FakeSignal, FakeSlack } from '@openclaw/test-fakes';
import { type GatewayProcess, repoRoot, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { type Browser, launchBrowser, signedInPage } from './browser.ts';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'control-ui', 'issue-22');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

/** One provider's walk through the form: what goes in which field, and what the file then holds. */
interface Walk {
  id: string;
  label: string;
  /** Choices that decide which credentials are needed (Slack's mode): field id → option. */
  switches?: Record<string, string>;
  /** Credentials, shown first and required: field id → value. */
  credentials: Record<string, string>;
  /** Credentials the chosen switches do not need: shown after the required ones, left empty. */
  optional?: string[];
  /** Fields under "More options": field id → value. */
  more: Record<string, string>;
  /** The account's keys in the config file afterwards. */
  saved: Record<string, unknown>;
}

describe(
  'issue 22: adding Slack, Discord, Signal and iMessage accounts in Chromium',
  needs('chromium'),
  () => {
    const token = 'ui-22-providers-0123456789abcdefgh';
    let stateDir: string;
    let gw: GatewayProcess;
    let base: string;
    let browser: Browser;
    let page: Page;
    let slack: FakeSlack;
    let discord: FakeDiscord;
    let signal: FakeSignal;
    let bb: FakeBlueBubbles;
    let pageErrors: string[] = [];
    const hookSecret = 'imessage-webhook-secret-5678';

    const shot = async (name: string) => {
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    };

    beforeAll(async () => {
      [slack, discord, signal, bb] = await Promise.all([
        FakeSlack.start(),
        FakeDiscord.start({ guilds: [] }),
        FakeSignal.start({ number: '+15557777777', mode: 'json-rpc' }),
        FakeBlueBubbles.start(),
      ]);
      stateDir = await tempStateDir();
      // No channel at all: each one is added from the page.
      gw = await spawnGateway({ stateDir, token, config: {} });
      base = `http://127.0.0.1:${gw.port}`;
      expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
      browser = await launchBrowser({ viewport: DESKTOP });
      ({ page, errors: pageErrors } = await signedInPage(browser, { base, token }));
    }, 90_000);

    afterAll(async () => {
      await browser?.[Symbol.asyncDispose]();
      await gw?.stop().catch(() => undefined);
      await Promise.all([slack?.close(), discord?.close(), signal?.close(), bb?.close()]);
    });

    const walks = (): Walk[] => [
      {
        // Socket mode: no signing secret (only events-http needs one).
        id: 'slack',
        label: 'Slack',
        switches: { mode: 'socket' },
        credentials: { botToken: slack.botToken, appToken: slack.appToken },
        optional: ['signingSecret'],
        more: { apiUrl: slack.apiUrl, clientPingTimeoutMs: '400' },
        saved: {
          mode: 'socket',
          botToken: slack.botToken,
          appToken: slack.appToken,
          apiUrl: slack.apiUrl,
          clientPingTimeoutMs: 400,
        },
      },
      {
        id: 'discord',
        label: 'Discord',
        credentials: { botToken: discord.token },
        more: { apiUrl: `${discord.url}/api` },
        saved: { botToken: discord.token, apiUrl: `${discord.url}/api` },
      },
      {
        id: 'signal',
        label: 'Signal',
        credentials: { baseUrl: signal.url, number: signal.number },
        more: {},
        saved: { baseUrl: signal.url, number: signal.number },
      },
      {
        id: 'imessage',
        label: 'iMessage',
        credentials: { serverUrl: bb.url, password: bb.password },
        more: { webhookSecret: hookSecret },
        saved: { serverUrl: bb.url, password: bb.password, webhookSecret: hookSecret },
      },
    ];

    it('each provider: the form from its schema, saved while the gateway runs, then live until it is green', async () => {
      for (const walk of walks()) {
        await page.setViewportSize(DESKTOP);
        await page.goto(`${base}/#/channels/add`);
        await page.getByTestId('provider-picker').locator(`a[data-provider="${walk.id}"]`).click();
        const heading = `Add ${walk.id === 'imessage' ? 'an' : 'a'} ${walk.label} account`;
        await page.getByRole('heading', { name: heading, exact: true }).waitFor({ timeout: 10_000 });
        // A first account of the channel is `default`.
        expect(await page.getByLabel('Account id').inputValue()).toBe('default');

        // The credentials are the schema's credential marks, in its order, each required; those
        // a mode needs only are required while it is chosen, after the switch that decides it.
        const top = page.locator('form.add-form > .field[data-path]');
        const requiredPaths = () =>
          top
            .filter({ has: page.locator('.required') })
            .evaluateAll((els) => els.map((el) => el.getAttribute('data-path')));
        if (walk.id === 'slack') {
          // Mode not chosen means socket: the app token is required, the signing secret is not.
          expect(await requiredPaths()).toEqual(['botToken', 'appToken']);
          await page.locator('#cfg-mode').selectOption('events-http');
          await expect.poll(requiredPaths).toEqual(['botToken', 'signingSecret']);
          // The mode sits beside the credentials, ahead of them; the needed ones come first.
          const order = await top.evaluateAll((els) => els.map((el) => el.getAttribute('data-path')));
          expect(order.slice(0, 4)).toEqual(['mode', 'botToken', 'signingSecret', 'appToken']);
        }
        for (const [key, value] of Object.entries(walk.switches ?? {}))
          await page.locator(`#cfg-${key}`).selectOption(value);
        await expect.poll(requiredPaths, { message: walk.id }).toEqual(Object.keys(walk.credentials));
        for (const key of walk.optional ?? []) expect(await top.locator(`#cfg-${key}`).count(), key).toBe(1);
        // Saving with nothing filled in is stopped at the first credential, said why.
        await page.getByRole('button', { name: 'Add account' }).click();
        const first = Object.keys(walk.credentials)[0]!;
        await expect
          .poll(() => page.locator(`.field[data-path="${first}"] [data-testid="field-error"]`).textContent())
          .toContain('Required');
        await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe(`cfg-${first}`);

        for (const [key, value] of Object.entries(walk.credentials))
          await page.locator(`#cfg-${key}`).fill(value);
        if (Object.keys(walk.more).length) {
          await page.getByText(/More options/).click();
          // Nothing is stored for a new account: a secret among the options is a box to fill.
          expect(await page.getByRole('button', { name: /^Keep the stored value/ }).count()).toBe(0);
          for (const [key, value] of Object.entries(walk.more)) await page.locator(`#cfg-${key}`).fill(value);
        }
        await shot(`add-${walk.id}-form-desktop`);
        await page.setViewportSize(PHONE);
        expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(
          true,
        );
        await shot(`add-${walk.id}-form-phone`);
        await page.setViewportSize(DESKTOP);

        await page.getByRole('button', { name: 'Add account' }).click();
        const status = page.getByTestId('new-account-status');
        await status.waitFor({ timeout: 10_000 });
        const file = JSON.parse(await readFile(join(stateDir, 'openclaw.json'), 'utf8')) as {
          channels: Record<string, unknown>;
        };
        expect(file.channels[walk.id]).toEqual(walk.saved);
        // Channels apply live: nothing asks for a restart.
        expect(await page.getByTestId('restart-needed').count()).toBe(0);
        // Live: green once the account runs against the fake platform.
        await expect
          .poll(() => status.getAttribute('data-state'), { timeout: 30_000, message: walk.id })
          .toBe('running');
        expect(await status.locator('.dot').getAttribute('class')).toContain('ok');
        expect(await status.locator('.state-line').textContent()).toMatch(/^\s*Connected/);
        // No secret typed into the form is on the page once saved.
        const content = await page.content();
        for (const key of ['botToken', 'appToken', 'signingSecret', 'password', 'webhookSecret']) {
          const secret = walk.credentials[key] ?? walk.more[key];
          if (secret) expect(content, `${walk.id}.${key}`).not.toContain(secret);
        }
        await shot(`add-${walk.id}-running-desktop`);
        await page.setViewportSize(PHONE);
        await shot(`add-${walk.id}-running-phone`);
        await page.setViewportSize(DESKTOP);

        // The channels page lists it running too.
        await page.getByRole('link', { name: 'Done' }).click();
        const row = page.locator(`table[data-channel="${walk.id}"] tr[data-account="default"]`);
        await expect.poll(() => row.getAttribute('data-state'), { timeout: 10_000 }).toBe('running');
      }
      // Every channel added, every one green on the overview.
      await page.goto(`${base}/#/overview`);
      const lines = page.locator('[data-testid="overview-channels"] li[data-account]');
      await expect
        .poll(() =>
          lines.evaluateAll((ls) =>
            ls.map((l) => `${l.getAttribute('data-account')}:${l.getAttribute('data-state')}`).sort(),
          ),
        )
        .toEqual([
          'discord/default:running',
          'imessage/default:running',
          'signal/default:running',
          'slack/default:running',
        ]);
      expect(pageErrors).toEqual([]);
    }, 240_000);
  },
);
