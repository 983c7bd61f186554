// Chat directives on a channel, through a real gateway, Telegram on its fake and a model on the
// OpenAI-compatible fake: a message that is only `/think` or `/reasoning` sets the session's level
// and is answered without a model turn; inline they apply to their message only; a group member
// the account does not list is not authorised (directives stay text, reasoning stays hidden).
import { rm } from 'node:fs/promises';
import { type ChatRequest, FakeOpenAi, FakeTelegram, messageText } from '@openclaw/test-fakes';
import {
  type CleanupList,
  connectOperator,
  eventually,
  newToken,
  runCleanup,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

describe('chat directives on Telegram', () => {
  const cleanup: CleanupList = [];
  afterAll(() => runCleanup(cleanup));

  let llm: FakeOpenAi;
  let tg: FakeTelegram;
  let op: Awaited<ReturnType<typeof connectOperator>>;
  const lastUser = (r: ChatRequest) => messageText(r.messages.filter((m) => m.role === 'user').at(-1)!);
  beforeAll(async () => {
    llm = await FakeOpenAi.start({
      script: (req) => ({ reasoning: [`pondering ${lastUser(req)}`], text: [`re: ${lastUser(req)}`] }),
    });
    cleanup.push(() => llm.close());
    tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const stateDir = await tempStateDir();
    cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
    const token = newToken();
    const gw = await spawnGateway({
      stateDir,
      token,
      config: {
        agent: {
          model: 'local/qwen',
          providers: { local: { api: 'openai-compatible', baseUrl: llm.baseUrl } },
          reasoningDefault: 'on',
        },
        channels: {
          telegram: tg.account({
            dmPolicy: 'allowlist',
            allowFrom: ['6601'],
            groupPolicy: 'open',
            requireMention: false,
          }),
        },
      },
    });
    cleanup.push(() => gw.stop());
    op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
    cleanup.push(() => op.close());
    await eventually(async () =>
      JSON.stringify(await op.request('channels.status', {})).includes('"connected":true'),
    );
  }, 60_000);

  it('a directive-only message sets the session level and is answered without a model turn; inline ones last one message', async () => {
    const sent = () => tg.sentTexts('6601');
    const say = async (text: string, expected: string) => {
      await tg.pushMessage({ chatId: 6601, from: { id: 6601, first_name: 'Ann' }, text });
      await eventually(() => sent().includes(expected), 30_000);
    };
    await say('/reasoning off', '⚙️ Reasoning visibility disabled.');
    await say('/think high', 'Thinking level set to high.');
    await say(
      '/t bogus',
      'Unrecognized thinking level "bogus". Valid levels: default, off, minimal, low, medium, high.',
    );
    expect(llm.requests).toHaveLength(0);
    const { sessions } = await op.request('sessions.list', {});
    expect(sessions.find((s) => s.key.includes('6601'))).toMatchObject({
      thinkingLevel: 'high',
      reasoningLevel: 'off',
    });

    await say('one', 're: one');
    expect(llm.requests.at(-1)?.reasoning_effort).toBe('high');
    // Inline: this message's turn shows its reasoning and thinks low; the model never sees them.
    await say('/think low /reasoning on two', 're: two');
    expect(lastUser(llm.requests.at(-1)!)).toBe('two');
    expect(llm.requests.at(-1)?.reasoning_effort).toBe('low');
    await say('three', 're: three');
    expect(llm.requests.at(-1)?.reasoning_effort).toBe('high');
    expect(sent()).toEqual([
      '⚙️ Reasoning visibility disabled.',
      'Thinking level set to high.',
      'Unrecognized thinking level "bogus". Valid levels: default, off, minimal, low, medium, high.',
      're: one',
      'Thinking\n\n_pondering two_',
      're: two',
      're: three',
    ]);
  }, 60_000);

  it('in a group, a member the account does not list is not authorised: directives are text, reasoning is hidden', async () => {
    const push = (from: number, text: string) =>
      tg.pushMessage({ chatId: -7001, chatType: 'group', from: { id: from, first_name: `u${from}` }, text });
    await push(6602, '/reasoning on');
    await eventually(() => tg.sentTexts('-7001').includes('re: /reasoning on'), 30_000);
    // A listed sender in the same group: authorised, so the configured default (on) applies.
    await push(6601, 'hi');
    await eventually(() => tg.sentTexts('-7001').includes('re: hi'), 30_000);
    expect(tg.sentTexts('-7001')).toEqual(['re: /reasoning on', 'Thinking\n\n_pondering hi_', 're: hi']);
  }, 60_000);
});
