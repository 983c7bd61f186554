// Opt-in (`pnpm test:interop`): the reference Control UI's Usage page, served against our gateway,
// shows the tokens, cost and messages our gateway recorded per session (usage.status,
// sessions.usage, and for a selected session sessions.usage.timeseries and sessions.usage.logs).
// Needs the reference package (installed on first run) and Chromium.
import { waitFor } from '@openclaw/test-fakes';
import { type CleanupList, pricedGateway, runCleanup } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';
import { ensureReference, serveReferenceUi } from './reference-clients.ts';

const USAGE_METHODS = ['usage.status', 'sessions.usage', 'sessions.usage.timeseries', 'sessions.usage.logs'];

describe('the reference Control UI Usage page against our gateway', needs('chromium'), () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('shows the sessions, tokens, cost and messages our gateway recorded', async () => {
    await ensureReference();
    // Each call of the fake model: 1,000 uncached prompt tokens, 200 cached, 50 output ($0.0026).
    const g = await pricedGateway(cleanup);
    const gw = await g.start();
    const c = await g.operator(gw);
    for (const m of ['one', 'two', 'three']) await g.turn(c, 'agent:main:main', m);
    await g.turn(c, 'agent:main:second', 'four');
    const ui = await serveReferenceUi(gw.port);
    cleanup.push(() => ui.close());
    const browser = await launchBrowser();
    cleanup.push(() => browser[Symbol.asyncDispose]());
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    const sent: string[] = [];
    const received: string[] = [];
    page.on('websocket', (ws) => {
      ws.on('framesent', (f) => sent.push(String(f.payload)));
      ws.on('framereceived', (f) => received.push(String(f.payload)));
    });
    await page.goto(`${ui.url}/#token=${g.token}`, { waitUntil: 'domcontentloaded' });
    await waitFor(() => received.some((f) => f.includes('"hello-ok"')), 90_000, 'hello-ok');
    await page.goto(`${ui.url}/usage`, { waitUntil: 'domcontentloaded' });

    const main = page.locator('main');
    // What is shown (a locator's innerText), not the DOM's text; one line per element.
    // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node
    const shown = async () => (await main.innerText()).replace(/\s*\n\s*/g, '\n');
    const showsAll = async (what: string, parts: RegExp[]) =>
      waitFor(
        async () => {
          const text = await shown();
          return parts.every((p) => p.test(text));
        },
        60_000,
        what,
      ).catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${await shown()}`);
      });
    // The overview: four calls in two sessions, their token types, cost and messages.
    await showsAll('the overview of both sessions', [
      /5\.0K\nTokens\n\$0\.01\nCost\n2\nsessions/,
      /Output 200\nInput 4\.0K\nCache Write 0\nCache Read 800\nTotal: 5\.0K/,
      /MESSAGES.*\n8\n4 user · 4 assistant/,
      /agent:main:second\n.*\n.*msgs:2 · tools:0 · errors:0.*\nCopy\n1\.3K/,
      /agent:main:main\n.*\n.*msgs:6 · tools:0 · errors:0.*\nCopy\n3\.8K/,
    ]);
    await page.screenshot({ path: await artifactPath('reference-ui-usage.png'), fullPage: true });

    // One session's detail: its figures, its calls over time and its conversation.
    await main.getByText('agent:main:main', { exact: true }).first().click();
    await showsAll('the detail of agent:main:main', [
      /MESSAGES\n6\n3 user · 3 assistant/,
      /Output 150\nInput 3\.0K\nCache Write 0\nCache Read 600\nTotal: 3\.8K/,
      /3 msgs · 3\.8K · \$0\.01/,
      /Conversation \(6 messages\)/,
      /You\n.*\ntwo\nassistant\n.*\nYou said: two/,
    ]);
    await page.screenshot({ path: await artifactPath('reference-ui-usage-session.png'), fullPage: true });

    // Each usage method the page asked was answered, none refused; the page threw nothing.
    const asked = sent
      .map((f) => JSON.parse(f) as { id: string; method: string })
      .filter((f) => USAGE_METHODS.includes(f.method));
    expect(new Set(asked.map((f) => f.method))).toEqual(new Set(USAGE_METHODS));
    const answers = received.map((f) => JSON.parse(f) as { id?: string; ok?: boolean });
    for (const { id, method } of asked) expect(answers.find((a) => a.id === id)?.ok, method).toBe(true);
    expect(errors).toEqual([]);
  }, 300_000);
});
