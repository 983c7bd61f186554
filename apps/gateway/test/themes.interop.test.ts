// Opt-in (`pnpm test:interop`): the reference Control UI's Settings → General against our gateway.
// Its theme picker lists the catalog with themes.list and, when a theme it does not ship is
// picked, asks themes.get for its palettes. A theme an operator imported is stored by the gateway
// (kept across a restart of the process), offered by the reference UI, and applied when clicked.
// Needs the reference package (installed on first run, see reference-clients.ts) and Chromium.
import { waitFor } from '@openclaw/test-fakes';
import { connectOperator, spawnGateway, tempDir } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';
import { ensureReference, quietWebSocket, serveReferenceUi } from './reference-clients.ts';

const TOKEN = 'themes-token-0123456789abcdefghij';

const COLORS = [
  'background',
  'foreground',
  'card',
  'card-foreground',
  'popover',
  'popover-foreground',
  'primary',
  'primary-foreground',
  'secondary',
  'secondary-foreground',
  'muted',
  'muted-foreground',
  'accent',
  'accent-foreground',
  'destructive',
  'destructive-foreground',
  'border',
  'input',
  'ring',
];
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
  it('Settings → General lists an imported theme kept across a restart, and picking it applies its palette', async () => {
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
