// Opt-in (`pnpm test:interop`): the reference Control UI's preference sync against our gateway.
// Settings → Appearance writes a changed language or colour mode to the gateway config
// (`config.patch` of `ui.prefs`); a browser with its own empty profile reads it from config.get
// when it loads, follows a later change while open (config.changed), and a browser after the
// gateway process was restarted on the same state shows them too.
// Needs the reference package (installed on first run, see reference-clients.ts) and Chromium.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseConfig, UI_PREF_LIMITS } from '@openclaw/protocol';
import { waitFor } from '@openclaw/test-fakes';
import { connectOperator, spawnGateway, tempDir } from '@openclaw/test-harness';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';
import { ensureReference, quietWebSocket, referenceDir, serveReferenceUi } from './reference-clients.ts';

const TOKEN = 'ui-prefs-token-0123456789abcdefghij';

interface Frame {
  type: string;
  id: string;
  method?: string;
  params?: { raw?: string };
  ok?: boolean;
  error?: { message?: string };
}

/** The page's WebSocket frames, both ways, parsed. */
function watchFrames(page: Page): { sent: Frame[]; received: Frame[]; texts: string[] } {
  const out = { sent: [] as Frame[], received: [] as Frame[], texts: [] as string[] };
  page.on('websocket', (ws) => {
    ws.on('framesent', (f) => out.sent.push(JSON.parse(String(f.payload)) as Frame));
    ws.on('framereceived', (f) => {
      out.texts.push(String(f.payload));
      out.received.push(JSON.parse(String(f.payload)) as Frame);
    });
  });
  return out;
}

/** Opens the reference UI with the token (as its documented #token link does) and waits for it to settle. */
async function openUi(page: Page, url: string, path: string) {
  const frames = watchFrames(page);
  await page.goto(`${url}/#token=${TOKEN}`, { waitUntil: 'domcontentloaded' });
  await waitFor(() => frames.texts.some((f) => f.includes('"hello-ok"')), 90_000, 'hello-ok');
  await quietWebSocket(frames.texts).catch(() => undefined);
  if (path !== '/') await page.goto(`${url}${path}`, { waitUntil: 'domcontentloaded' });
  return frames;
}

/** What the page shows of the two preferences: its document language and its colour mode. */
const shown = (page: Page) =>
  page.evaluate(() => ({
    lang: document.documentElement.lang,
    mode: document.documentElement.dataset.themeMode,
  }));

describe('the reference Control UI’s preference sync against our gateway', needs('chromium'), () => {
  it('a language and colour mode chosen in one browser show in another, live, and after a gateway restart', async () => {
    await ensureReference();
    await using state = await tempDir();
    {
      await using gw = await spawnGateway({ token: TOKEN, stateDir: state.path, timeoutMs: 60_000 });
      const ui = await serveReferenceUi(gw.port);
      try {
        await using first = await launchBrowser();
        const page = first.context.pages()[0] ?? (await first.context.newPage());
        const frames = await openUi(page, ui.url, '/settings/appearance');
        const patchAnswers = () =>
          frames.sent
            .filter((f) => f.method === 'config.patch' && f.params?.raw?.includes('"prefs"'))
            .map((req) => ({ req, res: frames.received.find((f) => f.type === 'res' && f.id === req.id) }));
        // Every preference write must be answered, and accepted.
        const allAnswered = async (what: string, count: number) => {
          await waitFor(
            () => patchAnswers().length >= count && patchAnswers().every((a) => a.res !== undefined),
            30_000,
            what,
          );
          const refused = patchAnswers().filter((a) => a.res?.ok !== true);
          expect(refused.map((a) => `${a.req.params?.raw}: ${a.res?.error?.message}`)).toEqual([]);
        };
        const pickLanguage = async (code: string) => {
          await page.locator('#settings-language wa-select').click();
          await page.locator(`#settings-language wa-option[value="${code}"]`).click();
        };

        // Before: the browser's own language and its system's colours (light here).
        await expect.poll(() => shown(page), { timeout: 30_000 }).toEqual({ lang: 'en', mode: 'light' });
        await pickLanguage('de');
        await allAnswered('the language written', 1);
        await page.getByText('Dunkel', { exact: true }).first().click();
        await allAnswered('the colour mode written', 2);
        expect(await shown(page)).toEqual({ lang: 'de', mode: 'dark' });

        // A browser with its own empty profile (nothing in its storage) loads them from the gateway.
        await using second = await launchBrowser();
        const other = second.context.pages()[0] ?? (await second.context.newPage());
        await openUi(other, ui.url, '/');
        await expect.poll(() => shown(other), { timeout: 30_000 }).toEqual({ lang: 'de', mode: 'dark' });

        // And, left open, it follows the next change (config.changed, then config.get).
        await pickLanguage('fr');
        await allAnswered('the second language written', 3);
        await expect.poll(() => shown(other), { timeout: 30_000 }).toEqual({ lang: 'fr', mode: 'dark' });
      } finally {
        await ui.close();
      }
    }

    // The next gateway process on the same state dir serves them from the config file.
    await using gw = await spawnGateway({ token: TOKEN, stateDir: state.path, timeoutMs: 60_000 });
    const op = await connectOperator(gw.url, TOKEN, { scopes: ['operator.read'] });
    const call = op.call.bind(op) as (m: string, p: unknown) => Promise<{ config: { ui: unknown } }>;
    expect((await call('config.get', {})).config.ui).toEqual({ prefs: { locale: 'fr', themeMode: 'dark' } });
    await op.close();
    const ui = await serveReferenceUi(gw.port);
    try {
      await using third = await launchBrowser();
      const page = third.context.pages()[0] ?? (await third.context.newPage());
      await openUi(page, ui.url, '/settings/appearance');
      await expect.poll(() => shown(page), { timeout: 30_000 }).toEqual({ lang: 'fr', mode: 'dark' });
      await page.locator('#settings-language').waitFor({ timeout: 30_000 });
      await page.screenshot({ path: await artifactPath('reference-ui-settings-appearance-prefs.png') });
    } finally {
      await ui.close();
    }
  }, 300_000);
});

/** The `ui` part of the reference's own config schema (zod), found in the module of its build that exports it. */
async function referenceUiSchema(): Promise<{ safeParse(v: unknown): { success: boolean } }> {
  const dist = join(referenceDir, 'node_modules', 'openclaw', 'dist');
  for (const file of (await readdir(dist)).filter((f) => /^zod-schema-.*\.mjs$/.test(f))) {
    const alias = /\bOpenClawSchema as (\w+)/.exec(await readFile(join(dist, file), 'utf8'))?.[1];
    if (!alias) continue;
    const mod = (await import(pathToFileURL(join(dist, file)).href)) as Record<
      string,
      { shape: { ui: { safeParse(v: unknown): { success: boolean } } } }
    >;
    const schema = mod[alias];
    if (schema) return schema.shape.ui;
  }
  throw new Error('no module of the reference build exports its config schema');
}

describe('the ui section: ours against the reference’s own config schema', () => {
  it('accepts and refuses what the reference does, but for the sidebar list’s bounds', async () => {
    await ensureReference();
    const ref = await referenceUiSchema();
    const ours = (ui: unknown) => {
      try {
        parseConfig({ ui });
        return true;
      } catch {
        return false;
      }
    };
    const p = (prefs: Record<string, unknown>) => ({ prefs });
    const cases: [ui: unknown, valid: boolean][] = [
      [{}, true],
      [{ seamColor: '#FF4500' }, true],
      [{ seamColor: 'ff4500' }, true],
      [{ seamColor: '#ff45' }, false],
      [{ seamColor: 'orange' }, false],
      [{ seamColor: 16729344 }, false],
      [p({}), true],
      [p({ theme: 'claw' }), true],
      [p({ theme: 'miami' }), true],
      [p({ theme: 'custom' }), true],
      [p({ theme: 'user/harbour' }), false],
      [p({ theme: 'Claw' }), false],
      [p({ themeMode: 'system' }), true],
      [p({ themeMode: 'dim' }), false],
      [p({ accent: 'theme' }), true],
      [p({ accent: '#0a0B0c' }), true],
      [p({ accent: '0a0b0c' }), false],
      [p({ accent: '#0a0b0' }), false],
      [p({ accent: 'teal' }), false],
      [p({ locale: 'zh-TW' }), true],
      [p({ locale: '' }), true],
      [p({ locale: 'x'.repeat(20) }), true],
      [p({ locale: 'x'.repeat(21) }), false],
      [p({ chatShowThinking: true, chatShowToolCalls: false, chatPersistCommentary: true }), true],
      [p({ chatShowThinking: 'yes' }), false],
      [p({ chatSendShortcut: 'modifier-enter' }), true],
      [p({ chatSendShortcut: 'ctrl-enter' }), false],
      [p({ chatFollowUpMode: 'steer' }), true],
      [p({ chatFollowUpMode: 'interrupt' }), false],
      [p({ sidebarEntries: ['route:cron', 'session:agent:main:main', ''] }), true],
      [p({ sidebarEntries: [7] }), false],
      [p({ fontUi: 'inter' }), false],
      [{ prefs: null }, false],
      [{ assistant: {} }, false],
    ];
    const differ = cases
      .map(([ui, valid]) => ({
        ui: JSON.stringify(ui).slice(0, 100),
        expected: valid,
        reference: ref.safeParse(structuredClone(ui)).success,
        ours: ours(structuredClone(ui)),
      }))
      .filter((r) => r.reference !== r.expected || r.ours !== r.expected);
    expect(differ).toEqual([]);
    // Our one difference, documented: a bound on the sidebar list the reference does not have.
    const long = p({
      sidebarEntries: Array.from({ length: UI_PREF_LIMITS.sidebarEntries + 1 }, () => 'route:cron'),
    });
    expect({ reference: ref.safeParse(long).success, ours: ours(long) }).toEqual({
      reference: true,
      ours: false,
    });
  });
});
