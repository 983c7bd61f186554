// Opt-in (`pnpm test:interop`): an agent turn that calls a tool, seen through the reference
// clients. The model is a fake OpenAI-compatible server scripting a `sessions` tool call, then an
// answer streamed in pieces; the reference CLI's `openclaw agent` and the reference Control UI's
// chat view (in Chromium) run the turn against our gateway and show the tool call and the answer.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChatRequest, FakeOpenAi, messageText, type ScriptedTurn, waitFor } from '@openclaw/test-fakes';
import { type GatewayProcess, spawnGateway, tempStateDir } from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { artifactPath, launchBrowser } from './browser.ts';
import { ensureReference, quietWebSocket, ref, serveReferenceUi } from './reference-clients.ts';

const TOKEN = 'interop-token-agent-tools-0123456789';
// Slow enough that a browser sees the answer arrive in parts.
const CHUNK_MS = 700;

/** Step 1 lists the cron jobs (a tool call); step 2 answers with how many, in three pieces. */
function script(req: ChatRequest): ScriptedTurn {
  const result = req.messages.filter((m) => m.role === 'tool').at(-1);
  if (!result) return { toolCalls: [{ name: 'cron', arguments: { action: 'list' } }] };
  const n = (JSON.parse(messageText(result) || '{}') as { jobs?: unknown[] }).jobs?.length ?? 0;
  return { text: ['The schedule ', `has ${n} `, 'jobs.'] };
}

describe('an agent turn with a tool call through the reference clients (issue 19)', () => {
  let llm: FakeOpenAi;
  let gw: GatewayProcess;
  let stateDir: string;
  const dirs: string[] = [];

  beforeAll(async () => {
    await ensureReference();
    llm = await FakeOpenAi.start({ script, chunkDelayMs: CHUNK_MS });
    stateDir = await tempStateDir();
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({
        agent: {
          backend: 'openai-compatible',
          openai: { baseUrl: llm.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY' },
        },
      }),
    );
    gw = await spawnGateway({ stateDir, env: { OPENCLAW_GATEWAY_TOKEN: TOKEN }, timeoutMs: 60_000 });
  });
  afterAll(async () => {
    await gw?.stop();
    await llm?.close();
    await rm(stateDir, { recursive: true, force: true });
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('openclaw agent prints the answer; with --json, the tool the turn called', async () => {
    const home = await tempStateDir();
    dirs.push(home);
    const env = { OPENCLAW_GATEWAY_URL: gw.url, OPENCLAW_GATEWAY_TOKEN: TOKEN };
    const plain = await ref(
      ['agent', '--session-key', 'agent:main:cli-1', '--message', 'any jobs?'],
      home,
      env,
    );
    expect(plain.code, plain.out).toBe(0);
    expect(plain.out.trim()).toBe('The schedule has 0 jobs.');

    const json = await ref(
      ['agent', '--session-key', 'agent:main:cli-2', '--message', 'any jobs?', '--json'],
      home,
      env,
    );
    expect(json.code, json.out).toBe(0);
    const printed = JSON.parse(json.out.slice(json.out.indexOf('{'))) as {
      status: string;
      result: { payloads: { text: string }[]; meta: { toolSummary?: unknown } };
    };
    expect(printed.status).toBe('ok');
    expect(printed.result.payloads).toEqual([{ text: 'The schedule has 0 jobs.' }]);
    expect(printed.result.meta.toolSummary).toEqual({ calls: 1, tools: ['cron'], failures: 0 });
  });

  it(
    'the Control UI chat view shows the tool call card and the answer streaming in',
    needs('chromium'),
    async () => {
      const ui = await serveReferenceUi(gw.port);
      await using browser = await launchBrowser();
      try {
        const page = browser.context.pages()[0] ?? (await browser.context.newPage());
        const frames: string[] = [];
        page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
        // The first visit hands the UI the gateway token, as the documented #token link does.
        await page.goto(`${ui.url}/#token=${TOKEN}`, { waitUntil: 'domcontentloaded' });
        await waitFor(() => frames.some((f) => f.includes('"hello-ok"')), 90_000, 'hello-ok');
        const hellos = () => frames.filter((f) => f.includes('"hello-ok"')).length;
        const before = hellos();
        await page.goto(`${ui.url}/chat/main`, { waitUntil: 'domcontentloaded' });
        // The chat view connects afresh: its hello-ok, then its requests settle, before we type.
        await waitFor(() => hellos() > before, 90_000, 'hello-ok on the chat view');
        await quietWebSocket(frames);
        const box = page.locator('textarea[aria-label="Chat composer"]');
        await box.waitFor({ timeout: 60_000 });
        await box.fill('what is scheduled?');
        await box.press('Enter');

        // While the answer streams (a piece every CHUNK_MS), the tool card is already there and
        // the answer shows in part.
        const main = page.locator('main');
        const card = main.getByText('Cron', { exact: true });
        await card.first().waitFor({ timeout: 60_000 });
        await waitFor(
          async () => {
            // What is shown (a locator's innerText), not the DOM's text.
            // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node
            const text = await main.innerText();
            return text.includes('The schedule') && !text.includes('0 jobs.');
          },
          30_000,
          'a part of the answer before the rest',
        );
        await page.screenshot({ path: await artifactPath('reference-ui-chat-tool-streaming.png') });
        await main.getByText('The schedule has 0 jobs.', { exact: true }).waitFor({ timeout: 30_000 });
        expect(frames.filter((f) => f.includes('"state":"delta"')).length).toBeGreaterThanOrEqual(3);

        // Once the UI has settled (no frame for a second: a click while it re-renders after the
        // final event is lost), the card opens to the call's arguments, its result and its end.
        await quietWebSocket(frames);
        await card.first().click();
        await main.getByText('{"jobs":[]}').waitFor({ timeout: 10_000 });
        // biome-ignore lint/performance/useDomNodeTextContent: a Playwright locator, not a DOM node
        const opened = await main.innerText();
        expect(opened).toMatch(/action:\s*list/);
        expect(opened).toContain('Completed');
        await page.screenshot({ path: await artifactPath('reference-ui-chat-tool-call.png') });
        // One card and one answer: the live events and the stored history are one transcript.
        expect(await card.count()).toBe(1);
        expect(await main.getByText('The schedule has 0 jobs.', { exact: true }).count()).toBe(1);
        const banners = await page.locator('.callout.danger:visible, [role="alert"]:visible').allInnerTexts();
        expect(banners).toEqual([]);
      } finally {
        await ui.close();
      }
    },
  );
});
