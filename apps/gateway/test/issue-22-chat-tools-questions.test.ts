// Issue 22, the agent at work as the Control UI shows it, and what it asks the operators:
// - WebChat: a reply that calls a tool shows the call live (running, then done) while the answer
//   streams in, and once stored, the step and its result as part of the conversation. The agent
//   is a real gateway run against the fake OpenAI-compatible model scripting the tool call.
// - Overview: questions put to the operators (question.request) beside the other things waiting,
//   counted in the navigation, answered or dismissed right there; the asker gets the answer.
// The built page in Debian's Chromium against a real gateway process.

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText, type ScriptedTurn } from '@openclaw/test-fakes';
import { connectOperator, type GatewayProcess, repoRoot, spawnGateway } from '@openclaw/test-harness';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { type Browser, launchBrowser, signedInPage } from './browser.ts';

const ARTIFACTS = join(repoRoot, 'test-artifacts', 'control-ui', 'issue-22');
const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };
const ANSWER = ['There ', 'is ', 'one ', 'session: ', 'this ', 'one.'];
const HISTORY_ANSWER = ['Read ', 'the ', 'history.'];

describe(
  'issue 22: tool steps in WebChat and questions on the overview, in Chromium',
  needs('chromium'),
  () => {
    const token = 'ui-22-agent-0123456789abcdefghijkl';
    let gw: GatewayProcess;
    let llm: FakeOpenAi;
    let op: GatewayClient;
    let base: string;
    let browser: Browser;
    let page: Page;
    let pageErrors: string[] = [];

    const shot = async (name: string) => {
      await mkdir(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    };

    beforeAll(async () => {
      // A question first calls the sessions tool (to list them, or to read this session's history
      // when asked for it); after the tool's result comes the answer, slowly enough to be seen
      // streaming (each chunk 400 ms apart) while the finished tool step is still on screen.
      const script = (req: ChatRequest): ScriptedTurn => {
        const last = req.messages.at(-1);
        if (last?.role === 'tool')
          return { text: /history/.test(messageText(last)) ? HISTORY_ANSWER : ANSWER };
        const action = /history/.test(last ? messageText(last) : '') ? 'history' : 'list';
        return { toolCalls: [{ name: 'sessions', arguments: { action } }] };
      };
      llm = await FakeOpenAi.start({ script, chunkDelayMs: 400 });
      gw = await spawnGateway({
        token,
        config: {
          agent: {
            backend: 'openai-compatible',
            openai: { baseUrl: llm.baseUrl, model: 'local-model', apiKeyEnv: 'OC_TEST_NO_KEY' },
          },
        },
      });
      base = `http://127.0.0.1:${gw.port}`;
      expect((await fetch(`${base}/`, { signal: AbortSignal.timeout(60_000) })).status).toBe(200);
      op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
      browser = await launchBrowser({ viewport: DESKTOP });
      ({ page, errors: pageErrors } = await signedInPage(browser, { base, token }));
    }, 90_000);

    afterAll(async () => {
      await browser?.[Symbol.asyncDispose]();
      await op?.close().catch(() => undefined);
      await gw?.stop().catch(() => undefined);
      await llm?.close();
    });

    it('WebChat: the tool call shows live while the answer streams, then the stored step and its result', async () => {
      await page.goto(`${base}/#/chat/webchat-tools`);
      const transcript = page.getByTestId('transcript');
      await transcript.waitFor({ timeout: 10_000 });
      await page.getByRole('textbox', { name: 'Message' }).fill('which sessions are there?');
      await page.keyboard.press('Enter');

      // Live: the run's tool call, done, above an answer still streaming.
      const step = transcript.locator('[data-testid="tool-step"][data-tool="sessions"]');
      const live = () =>
        page.evaluate(() => {
          const li = document.querySelector('[data-testid="tool-step"]');
          const reply = li?.closest('li[data-role="assistant"]');
          return {
            step: li?.getAttribute('data-state'),
            reply: reply?.getAttribute('data-state'),
            streamed: Boolean(reply?.querySelector('.text')?.textContent),
          };
        });
      await expect
        .poll(live, { timeout: 30_000 })
        .toEqual({ step: 'done', reply: 'streaming', streamed: true });
      expect(await step.locator('.tool-call').textContent()).toBe('→ sessions {"action":"list"}');
      await shot('chat-tool-step-live-desktop');

      // Stored: the answer, built from streamed deltas, after the step and its result.
      const answer = transcript.locator('li[data-role="assistant"]', { hasText: ANSWER.join('') });
      await expect.poll(() => answer.getAttribute('data-state'), { timeout: 30_000 }).toBe('complete');
      expect(Number(await answer.getAttribute('data-deltas'))).toBeGreaterThan(1);
      await expect
        .poll(() =>
          transcript
            .locator(':scope > li')
            .evaluateAll((lis) =>
              lis.map((li) => [
                li.getAttribute('data-role'),
                li.querySelector(':scope > .tool-call')?.textContent ??
                  li.querySelector('.text')?.textContent ??
                  '',
              ]),
            ),
        )
        .toEqual([
          ['user', 'which sessions are there?'],
          ['assistant', '→ sessions {"action":"list"}'],
          ['toolResult', expect.stringContaining('"sessions"')],
          ['assistant', ANSWER.join('')],
        ]);
      // The live step gave way to the stored one.
      expect(await transcript.locator('[data-testid="tool-step"]').count()).toBe(0);
      expect(await transcript.locator('li[data-role="toolResult"] .meta').textContent()).toMatch(
        /^Tool sessions/,
      );
      await shot('chat-tool-steps-desktop');

      // A long tool result (this session's history) is folded to its start, all of it a click away.
      await page.getByRole('textbox', { name: 'Message' }).fill('read the history of this session');
      await page.keyboard.press('Enter');
      await transcript
        .locator('li[data-role="assistant"][data-state="complete"]', { hasText: HISTORY_ANSWER.join('') })
        .waitFor({ timeout: 30_000 });
      const folded = transcript.locator('li[data-role="toolResult"] details.tool-result');
      await expect.poll(() => folded.count(), { timeout: 10_000 }).toBe(1);
      expect(await folded.locator('summary').textContent()).toMatch(/^\{"sessionKey":"webchat-tools".*…$/s);
      expect(await folded.locator('.text').isVisible()).toBe(false);
      await folded.locator('summary').click();
      expect(await folded.locator('.text').isVisible()).toBe(true);
      expect(await folded.locator('.text').textContent()).toContain('which sessions are there?');
      // The first, short result is not folded.
      expect(await transcript.locator('li[data-role="toolResult"]').first().locator('details').count()).toBe(
        0,
      );
      await page.setViewportSize(PHONE);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot('chat-tool-steps-phone');
      await page.setViewportSize(DESKTOP);
    }, 90_000);

    it('Overview: questions to the operators, counted in the navigation, answered or dismissed in place', async () => {
      await page.goto(`${base}/#/overview`);
      const approvals = page.getByTestId('pending-approvals');
      await expect
        .poll(() => approvals.textContent(), { timeout: 10_000 })
        .toContain('Nothing waits for you');

      const deploy = await op.request('question.request', {
        agentId: 'main',
        sessionKey: 'webchat-tools',
        questions: [
          {
            questionId: 'env',
            header: 'Target',
            question: 'Deploy where?',
            options: [{ label: 'staging' }, { label: 'prod' }],
          },
          { questionId: 'note', header: 'Note', question: 'Anything to tell the team?', options: [] },
        ],
      });
      const restart = await op.request('question.request', {
        questions: [
          {
            questionId: 'go',
            header: 'Restart',
            question: 'Restart the worker now?',
            options: [{ label: 'yes' }, { label: 'no' }],
          },
        ],
      });
      // The asker waits for the answer, as an agent would.
      const waited = op.request('question.waitAnswer', { id: deploy.id, timeoutMs: 60_000 });
      // (Awaited below; handled here too, so a failure before then is reported as that failure.)
      waited.catch(() => undefined);

      const item = approvals.locator(`li[data-question-id="${deploy.id}"]`);
      await item.waitFor({ timeout: 10_000 });
      expect(await item.textContent()).toMatch(/question from agent main about webchat-tools/);
      await approvals.locator(`li[data-question-id="${restart.id}"]`).waitFor({ timeout: 10_000 });
      await expect.poll(() => page.getByTestId('waiting').textContent()).toMatch(/^\s*2\s*$/);
      const overviewLink = page
        .getByRole('navigation', { name: 'Sections' })
        .getByRole('link', { name: /Overview/ });
      await expect.poll(() => overviewLink.locator('.nav-count').textContent()).toBe('2');

      // Sent without answers: each unanswered question named, nothing sent.
      await item.getByRole('button', { name: 'Answer: 2 questions' }).click();
      expect(await item.getByRole('alert').textContent()).toBe(
        'Answer Target, Note first, or dismiss the question.',
      );
      expect((await op.request('question.get', { id: deploy.id })).question.status).toBe('pending');

      await item.getByRole('radio', { name: 'prod' }).check();
      // Answering clears the complaint.
      await expect.poll(() => item.getByRole('alert').count()).toBe(0);
      await item
        .getByRole('textbox', { name: 'Answer: Anything to tell the team?' })
        .fill('ship it after lunch');
      await shot('overview-questions-desktop');
      await page.setViewportSize(PHONE);
      expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
      await shot('overview-questions-phone');
      await page.setViewportSize(DESKTOP);

      await item.getByRole('button', { name: 'Answer: 2 questions' }).click();
      expect(await waited).toEqual({
        status: 'answered',
        answers: { answers: { env: ['prod'], note: ['ship it after lunch'] } },
      });
      await item.waitFor({ state: 'detached', timeout: 10_000 });

      await approvals.getByRole('button', { name: 'Dismiss: Restart the worker now?' }).click();
      await expect
        .poll(() => approvals.textContent(), { timeout: 10_000 })
        .toContain('Nothing waits for you');
      expect((await op.request('question.get', { id: restart.id })).question.status).toBe('cancelled');
      await expect.poll(() => overviewLink.locator('.nav-count').count()).toBe(0);
      expect(pageErrors).toEqual([]);
    }, 60_000);
  },
);
