// Our Control UI wears the colour mode the gateway's shared preference names (ui.prefs.themeMode,
// the one the reference Control UI syncs), follows a change while open, and follows the system
// when it names none. Debian's Chromium against a real gateway process; its system is light.
import { connectOperator, spawnGateway } from '@openclaw/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { launchBrowser, signedInPage } from './browser.ts';

// The text colour of styles.css (--text): its light and dark values.
const LIGHT = 'rgb(26, 29, 26)';
const DARK = 'rgb(231, 235, 230)';

const wears = (page: Page) =>
  page.evaluate(() => ({
    mode: document.documentElement.dataset.colorMode ?? 'system',
    text: getComputedStyle(document.body).color,
  }));

describe('Control UI colour mode from ui.prefs', needs('chromium'), () => {
  it('wears the configured mode on a light system, follows a change while open, and the system when unset', async () => {
    await using gw = await spawnGateway({
      token: true,
      timeoutMs: 60_000,
      config: { ui: { prefs: { themeMode: 'dark' } } },
    });
    await using browser = await launchBrowser();
    const { page, errors } = await signedInPage(browser, {
      base: `http://127.0.0.1:${gw.port}`,
      token: gw.token,
    });
    await expect.poll(() => wears(page), { timeout: 20_000 }).toEqual({ mode: 'dark', text: DARK });

    const op = await connectOperator(gw.url, gw.token);
    const patch = (raw: string) =>
      (op.call as unknown as (m: string, p: unknown) => Promise<unknown>)('config.patch', { raw });
    try {
      await patch('{"ui":{"prefs":{"themeMode":"light"}}}');
      await expect.poll(() => wears(page), { timeout: 20_000 }).toEqual({ mode: 'light', text: LIGHT });
      // Removed: the page follows the system again, whichever it is.
      await patch('{"ui":{"prefs":{"themeMode":null}}}');
      await expect.poll(() => wears(page), { timeout: 20_000 }).toEqual({ mode: 'system', text: LIGHT });
      await page.emulateMedia({ colorScheme: 'dark' });
      await expect.poll(() => wears(page), { timeout: 20_000 }).toEqual({ mode: 'system', text: DARK });
    } finally {
      await op.close();
    }
    expect(errors).toEqual([]);
  }, 120_000);
});
