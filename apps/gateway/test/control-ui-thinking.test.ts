// Thinking in WebChat: the session's thinking level chosen in the chat view (sessions.patch, shown
// back from the session's row), and what the model reasoned shown folded above each answer. The
// built page in Debian's Chromium against a real gateway process and the fake OpenAI-compatible
// model, which reasons (reasoning_content deltas) before each answer.
import type { GatewayClient } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText } from '@openclaw/test-fakes';
import { connectOperator, type GatewayProcess, spawnGateway } from '@openclaw/test-harness';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { type Browser, launchBrowser, signedInPage } from './browser.ts';

describe('thinking in WebChat, in Chromium', needs('chromium'), () => {
  const token = 'ui-think-0123456789abcdefghijklmn';
  const key = 'webchat-think';
  let gw: GatewayProcess;
  let llm: FakeOpenAi;
  let op: GatewayClient;
  let base: string;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    const script = (req: ChatRequest) => {
      const asked = messageText(req.messages.filter((m) => m.role === 'user').at(-1)!);
      return { reasoning: ['Let me ', `think about ${asked}.`], text: [`re: ${asked}`] };
    };
    llm = await FakeOpenAi.start({ script });
    gw = await spawnGateway({
      token,
      config: {
        agent: {
          model: 'local/qwen',
          providers: { local: { api: 'openai-compatible', baseUrl: llm.baseUrl } },
          thinkingDefault: 'low',
        },
      },
    });
    base = `http://127.0.0.1:${gw.port}`;
    expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
    op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
    browser = await launchBrowser({ viewport: { width: 1280, height: 860 } });
    ({ page, errors: pageErrors } = await signedInPage(browser, { base, token }));
  }, 90_000);

  afterAll(async () => {
    await browser?.[Symbol.asyncDispose]();
    await op?.close().catch(() => undefined);
    await gw?.stop().catch(() => undefined);
    await llm?.close();
  });

  it('the level selector sets and shows the session level; each answer shows its reasoning folded', async () => {
    const effortOf = (text: string) =>
      llm.requests.find((r) => messageText(r.messages.filter((m) => m.role === 'user').at(-1)!) === text)
        ?.reasoning_effort;
    const row = async () => (await op.request('sessions.list', {})).sessions.find((s) => s.key === key);
    const say = async (text: string) => {
      await page.getByRole('textbox', { name: 'Message' }).fill(text);
      await page.keyboard.press('Enter');
      await transcript
        .locator('li[data-role="assistant"][data-state="complete"]', { hasText: `re: ${text}` })
        .waitFor({ timeout: 30_000 });
    };
    await page.goto(`${base}/#/chat/${key}`);
    const transcript = page.getByTestId('transcript');
    await transcript.waitFor({ timeout: 10_000 });
    const select = page.getByRole('combobox', { name: 'Thinking' });
    // A session not started yet has no row to set a level on.
    expect(await select.isDisabled()).toBe(true);

    await say('one');
    expect(effortOf('one')).toBe('low');
    // Once it has a row: its model's levels, and the agent's default it inherits.
    await expect.poll(() => select.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await select.locator('option').allTextContents()).toEqual([
      'Default (low)',
      'off',
      'minimal',
      'low',
      'medium',
      'high',
    ]);
    expect(await select.inputValue()).toBe('');
    // The reasoning is folded above the answer, a click away.
    const thought = transcript
      .locator('li[data-role="assistant"]', { hasText: 're: one' })
      .getByTestId('thinking');
    expect(await thought.locator('summary').textContent()).toBe('Thinking');
    expect(await thought.locator('.thinking-text').isVisible()).toBe(false);
    await thought.locator('summary').click();
    expect(await thought.locator('.thinking-text').textContent()).toBe('Let me think about one.');

    // Chosen here: stored as the session's own level at once, and the next reply runs at it.
    await select.selectOption('high');
    await expect.poll(async () => (await row())?.thinkingLevel, { timeout: 10_000 }).toBe('high');
    await say('two');
    expect(effortOf('two')).toBe('high');

    // After a reload the selector shows the stored level, and each answer its reasoning, folded.
    await page.reload();
    await transcript
      .locator('li[data-role="assistant"]', { hasText: 're: two' })
      .waitFor({ timeout: 10_000 });
    await expect.poll(() => select.inputValue(), { timeout: 10_000 }).toBe('high');
    const folded = transcript.getByTestId('thinking');
    expect(await folded.count()).toBe(2);
    expect(await folded.evaluateAll((els) => els.map((e) => (e as HTMLDetailsElement).open))).toEqual([
      false,
      false,
    ]);
    expect(await folded.nth(1).locator('.thinking-text').textContent()).toBe('Let me think about two.');

    // Default: the session's own level is cleared (the agent's applies again).
    await select.selectOption('');
    await expect.poll(async () => (await row())?.thinkingLevel, { timeout: 10_000 }).toBeUndefined();
    expect(await row()).toMatchObject({ thinkingDefault: 'low' });
    expect(pageErrors).toEqual([]);
  }, 90_000);

  it('the reasoning selector sets the session visibility; on or stream (own or inherited) shows reasoning while it streams, off does not', async () => {
    const row = async () => (await op.request('sessions.list', {})).sessions.find((s) => s.key === key);
    const transcript = page.getByTestId('transcript');
    const select = page.getByRole('combobox', { name: 'Reasoning' });
    const live = transcript.getByTestId('thinking-live');
    const streaming = transcript.locator('li[data-role="assistant"][data-state="streaming"]');
    const thought = new Set<string>();
    op.on('agent', (e) => {
      if (e.stream === 'thinking' && typeof e.data.text === 'string') thought.add(e.data.text);
    });
    // Sends `text` with the answer held after the reasoning; `look` runs while it is held.
    const sayHeld = async (text: string, look: () => Promise<void>) => {
      const release = llm.holdAnswer();
      try {
        await page.getByRole('textbox', { name: 'Message' }).fill(text);
        await page.keyboard.press('Enter');
        await expect.poll(() => thought.has(`Let me think about ${text}.`), { timeout: 30_000 }).toBe(true);
        await streaming.waitFor({ timeout: 10_000 });
        await look();
      } finally {
        release();
      }
      await transcript
        .locator('li[data-role="assistant"][data-state="complete"]', { hasText: `re: ${text}` })
        .waitFor({ timeout: 30_000 });
      expect(await live.count()).toBe(0);
    };
    await expect.poll(() => select.isEnabled(), { timeout: 10_000 }).toBe(true);
    expect(await select.locator('option').allTextContents()).toEqual([
      'Default (off)',
      'off',
      'on',
      'stream',
    ]);

    // stream, chosen here: stored at once; the reasoning shows, open, while the answer is held.
    await select.selectOption('stream');
    await expect.poll(async () => (await row())?.reasoningLevel, { timeout: 10_000 }).toBe('stream');
    await sayHeld('three', async () => {
      await expect
        .poll(() => live.locator('.thinking-text').textContent(), { timeout: 10_000 })
        .toBe('Let me think about three.');
      expect(await live.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(true);
      expect(await streaming.locator('.text').count()).toBe(0);
    });
    // Once stored it is folded above the answer, as every answer's is.
    const three = transcript
      .locator('li[data-role="assistant"]', { hasText: 're: three' })
      .getByTestId('thinking');
    expect(await three.evaluate((e) => (e as HTMLDetailsElement).open)).toBe(false);

    // off: the reply streams without it.
    await select.selectOption('off');
    await expect.poll(async () => (await row())?.reasoningLevel, { timeout: 10_000 }).toBe('off');
    await sayHeld('four', async () => {
      expect(await live.count()).toBe(0);
    });

    // Default, with the agent's default on: the selector says so and the reasoning shows live.
    await op.request('config.patch', { raw: JSON.stringify({ agent: { reasoningDefault: 'on' } }) });
    await select.selectOption('');
    await expect.poll(async () => (await row())?.reasoningLevel, { timeout: 10_000 }).toBeUndefined();
    await expect
      .poll(() => select.locator('option').first().textContent(), { timeout: 10_000 })
      .toBe('Default (on)');
    await sayHeld('five', async () => {
      await expect
        .poll(() => live.locator('.thinking-text').textContent(), { timeout: 10_000 })
        .toBe('Let me think about five.');
    });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
