// Opt-in (`pnpm test:interop`): the reference Control UI's Settings → General against our gateway.
// Its theme picker lists the catalog with themes.list and, when a theme it does not ship is
// picked, asks themes.get for its palettes. A theme an operator imported is stored by the gateway
// (kept across a restart of the process), offered by the reference UI, and applied when clicked.
// And our params schemas accept and refuse what the reference's own validators do.
// Needs the reference package (installed on first run, see reference-clients.ts) and Chromium.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { paramsValidator, THEME_COLOR_KEYS } from '@openclaw/protocol';
import { waitFor } from '@openclaw/test-fakes';
import { connectOperator, spawnGateway, tempDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';
import { ensureReference, quietWebSocket, referenceDir, serveReferenceUi } from './reference-clients.ts';

const TOKEN = 'themes-token-0123456789abcdefghij';

const COLORS = THEME_COLOR_KEYS;
// Navy grounds, lamp-orange everything else: easy to recognise once the page wears it.
const harbour = {
  name: 'Harbour',
  description: 'Night-harbour navy with lamp-orange controls.',
  dark: Object.fromEntries(COLORS.map((k) => [k, k === 'background' ? '#0b1424' : '#ff9a3c'])),
};

interface Frame {
  type: string;
  id: string;
  method?: string;
  params?: Record<string, unknown>;
  ok?: boolean;
}

describe('the reference Control UI’s theme settings against our gateway', needs('chromium'), () => {
  it('Settings → General lists a theme imported before a restart and wears it when picked', async () => {
    await ensureReference();
    await using state = await tempDir();
    // Imported through one gateway process…
    {
      await using first = await spawnGateway({ token: TOKEN, stateDir: state.path, timeoutMs: 60_000 });
      const op = await connectOperator(first.url, TOKEN, { scopes: ['operator.write'] });
      const call = op.call.bind(op) as (m: string, p: unknown) => Promise<{ application: string }>;
      expect((await call('themes.import', { id: 'harbour', definition: harbour })).application).toBe('saved');
      await op.close();
    }
    // …and offered by the next one, started on the same state.
    await using gw = await spawnGateway({ token: TOKEN, stateDir: state.path, timeoutMs: 60_000 });
    const ui = await serveReferenceUi(gw.port);
    await using browser = await launchBrowser();
    try {
      const page = browser.context.pages()[0] ?? (await browser.context.newPage());
      const consoleLines: string[] = [];
      const frames: string[] = [];
      const sent: Frame[] = [];
      page.on('console', (m) => consoleLines.push(`${m.type()}: ${m.text()}`));
      page.on('websocket', (ws) => {
        ws.on('framereceived', (f) => frames.push(String(f.payload)));
        ws.on('framesent', (f) => sent.push(JSON.parse(String(f.payload)) as Frame));
      });
      const answer = (method: string, id?: string) => {
        const req = sent
          .filter((f) => f.method === method && (id === undefined || f.params?.id === id))
          .at(-1);
        const res =
          req && frames.map((f) => JSON.parse(f) as Frame).find((f) => f.type === 'res' && f.id === req.id);
        return res?.ok;
      };
      // The first visit hands the UI the gateway token, as the documented #token link does.
      await page.goto(`${ui.url}/#token=${TOKEN}`, { waitUntil: 'domcontentloaded' });
      await waitFor(() => frames.some((f) => f.includes('"hello-ok"')), 90_000, 'hello-ok');
      await quietWebSocket(frames).catch(() => undefined);
      await page.goto(`${ui.url}/settings/general`, { waitUntil: 'domcontentloaded' });
      const picker = page.getByRole('button', { name: /Harbour/ });
      await picker.first().waitFor({ timeout: 60_000 });
      expect(answer('themes.list')).toBe(true);
      await quietWebSocket(frames).catch(() => undefined);
      const banners = await page.locator('.callout.danger:visible, [role="alert"]:visible').allInnerTexts();
      expect(banners).toEqual([]);

      await picker.first().click();
      // The UI has no palette for a theme it does not ship: it asks our gateway, then wears it.
      await waitFor(() => answer('themes.get', 'user/harbour') === true, 30_000, 'themes.get answered');
      await expect
        .poll(
          () =>
            page.evaluate(() => ({
              id: document.documentElement.dataset.themeId,
              background: getComputedStyle(document.body).backgroundColor,
            })),
          { timeout: 30_000 },
        )
        .toEqual({ id: 'user/harbour', background: 'rgb(11, 20, 36)' });
      await page.screenshot({ path: await artifactPath('reference-ui-settings-general-theme.png') });
      const unknown = [...consoleLines, ...frames].filter((l) => /unknown method/i.test(l));
      expect(unknown).toEqual([]);
    } finally {
      await ui.close();
    }
  }, 300_000);
});

/**
 * The reference's own params validators for the family (its published JSON Schema predates it):
 * found by name in the module of its build that exports them under short aliases.
 */
async function referenceValidators(): Promise<Record<string, (v: unknown) => boolean>> {
  const dist = join(referenceDir, 'node_modules', 'openclaw', 'dist');
  for (const file of (await readdir(dist)).filter((f) => /^src-.*\.mjs$/.test(f))) {
    const text = await readFile(join(dist, file), 'utf8');
    const alias = (name: string) => new RegExp(`\\b${name} as (\\w+)`).exec(text)?.[1];
    const names = {
      'themes.list': alias('validateThemesListParams'),
      'themes.get': alias('validateThemesGetParams'),
      'themes.set': alias('validateThemesSetParams'),
      'themes.import': alias('validateThemesImportParams'),
    };
    if (Object.values(names).some((n) => n === undefined)) continue;
    const mod = (await import(pathToFileURL(join(dist, file)).href)) as Record<
      string,
      (v: unknown) => boolean
    >;
    return Object.fromEntries(
      Object.entries(names).map(([m, n]) => [m, mod[n as string] as (v: unknown) => boolean]),
    );
  }
  throw new Error('no module of the reference build exports the themes validators');
}

describe('themes.* params: ours against the reference’s own validators', () => {
  it('accepts and refuses the same requests as the reference validators: those of its UI and theme tool, and broken ones', async () => {
    await ensureReference();
    const ref = await referenceValidators();
    const light = harbour.dark;
    const def = (over: Record<string, unknown>) => ({ ...harbour, ...over });
    const cases: [method: string, params: unknown, valid: boolean][] = [
      ['themes.list', {}, true],
      ['themes.list', { all: true }, false],
      ['themes.get', {}, true],
      ['themes.get', { id: 'user/harbour' }, true],
      ['themes.get', { id: '' }, false],
      ['themes.get', { id: 'x'.repeat(257) }, false],
      ['themes.set', { id: 'tide', mode: 'light' }, true],
      ['themes.set', { id: null, mode: null }, true],
      ['themes.set', { mode: 'dark' }, true],
      ['themes.set', { id: 'tide', appearance: { accent: 'teal', fontUi: null } }, true],
      ['themes.set', { mode: 'dim' }, false],
      ['themes.set', { id: 5 }, false],
      ['themes.set', { appearance: { shadow: 'x' } }, false],
      ['themes.import', { id: 'harbour', definition: harbour }, true],
      ['themes.import', { id: 'harbour', definition: harbour, apply: true, mode: 'dark' }, true],
      [
        'themes.import',
        {
          id: 'h_2-b',
          definition: def({ light, mascot: 'none', workingPhrases: ['Docking'], critters: ['penguin'] }),
        },
        true,
      ],
      ['themes.import', { id: 'harbour', definition: def({ avatarHat: 'crown' }) }, true],
      ['themes.import', { id: 'Harbour', definition: harbour }, false],
      ['themes.import', { id: '-harbour', definition: harbour }, false],
      ['themes.import', { id: 'h'.repeat(65), definition: harbour }, false],
      ['themes.import', { id: 'harbour', definition: def({ name: '' }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ name: 'n'.repeat(81) }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ description: 'd'.repeat(321) }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ mascot: 'crab' }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ workingPhrases: ['w'.repeat(25)] }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ critters: Array(9).fill('penguin') }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ avatarHat: 'Top Hat' }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ css: 'body{}' }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ dark: { ...light, shadow: '#000' } }) }, false],
      ['themes.import', { id: 'harbour', definition: def({ dark: { ...light, ring: undefined } }) }, false],
      [
        'themes.import',
        { id: 'harbour', definition: def({ dark: { ...light, ring: 'r'.repeat(121) } }) },
        false,
      ],
      ['themes.import', { id: 'harbour', definition: harbour, apply: 'yes' }, false],
    ];
    const differ = cases
      .map(([method, params, valid]) => ({
        method,
        params: JSON.stringify(params).slice(0, 120),
        expected: valid,
        reference: ref[method]?.(JSON.parse(JSON.stringify(params))),
        ours: paramsValidator(method)?.check(JSON.parse(JSON.stringify(params))),
      }))
      .filter((r) => r.reference !== r.expected || r.ours !== r.expected);
    expect(differ).toEqual([]);
  });
});
