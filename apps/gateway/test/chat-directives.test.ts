// Chat directives on a channel, through a real gateway, Telegram on its fake and a model on the
// OpenAI-compatible fake: a message that is only `/think` or `/reasoning` sets the session's level
// and is answered without a model turn; inline they apply to their message only; a group member
// the account does not list is not authorised (directives stay text, reasoning stays hidden).
// The session commands `/reset`, `/new`, `/model`, `/stop` (and a plain stop word), `/compact` and
// `/whoami` go the same way; with commands.ownerAllowFrom set, only the owners it names (`tg:` as `telegram:`) use them.
import { rm } from 'node:fs/promises';
import type { EventPayload } from '@openclaw/protocol';
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
          fallbacks: ['local/llama'],
          providers: { local: { api: 'openai-compatible', baseUrl: llm.baseUrl } },
          reasoningDefault: 'on',
          // A recent tail small enough for a few short messages to be compacted.
          compaction: { keepRecentTokens: 12 },
        },
        channels: {
          telegram: tg.account({
            dmPolicy: 'allowlist',
            allowFrom: ['6601', '6603', '6604', '6605', '6606', '6607'],
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

  it('/reset stops the running turn, empties the session and tells watchers; /new <text> starts the fresh session with that text', async () => {
    const say = (text: string) =>
      tg.pushMessage({ chatId: 6603, from: { id: 6603, first_name: 'Bo' }, text });
    const changed: EventPayload<'sessions.changed'>[] = [];
    op.on('sessions.changed', (e) => changed.push(e));
    await op.request('sessions.subscribe', {});
    await say('hello');
    await eventually(() => tg.sentTexts('6603').includes('re: hello'), 30_000);
    const before = llm.requests.length;
    const release = llm.hold(before + 1);
    await say('slow');
    await llm.waitForRequests(before + 1, 30_000);
    await say('/reset');
    await eventually(
      () => tg.sentTexts('6603').includes('Started a new session: the earlier conversation is cleared.'),
      30_000,
    );
    release();
    const key = (await op.request('sessions.list', {})).sessions.find((s) => s.key.includes('6603'))!.key;
    await eventually(() => changed.some((e) => e.sessionKey === key && e.reason === 'reset'));
    expect((await op.request('sessions.describe', { key })).session?.messageCount).toBe(0);

    await say('/new fresh start');
    await eventually(() => tg.sentTexts('6603').includes('re: fresh start'), 30_000);
    // The fresh session's turn sees only its own message; the stopped turn never answered.
    expect(
      llm.requests
        .at(-1)!
        .messages.filter((m) => m.role === 'user')
        .map(messageText),
    ).toEqual(['fresh start']);
    expect(tg.sentTexts('6603').filter((t) => !t.startsWith('Thinking'))).toEqual([
      're: hello',
      'Started a new session: the earlier conversation is cleared.',
      're: fresh start',
    ]);
  }, 60_000);

  it('/model shows the configured models, sets one of them for the session, refuses others, and default clears it', async () => {
    const sent = () => tg.sentTexts('6604');
    const say = async (text: string, expected: string) => {
      await tg.pushMessage({ chatId: 6604, from: { id: 6604, first_name: 'Cy' }, text });
      await eventually(() => sent().includes(expected), 30_000);
    };
    const before = llm.requests.length;
    await say(
      '/model',
      'Model: local/qwen (the default).\nConfigured models: local/qwen, local/llama.\nUse /model <provider/model> to switch, /model default to go back.',
    );
    await say(
      '/model other/thing',
      'No configured model "other/thing". Configured models: local/qwen, local/llama.',
    );
    await say('/model local/llama', 'Model set to local/llama for this session.');
    expect(llm.requests.length).toBe(before);
    await say('hi', 're: hi');
    expect(llm.requests.at(-1)!.model).toBe('llama');
    await say('/model default', 'Model back to the default (local/qwen).');
    await say('again', 're: again');
    expect(llm.requests.at(-1)!.model).toBe('qwen');
  }, 60_000);

  it('/stop aborts the held model turn: its answer never reaches the chat, the confirmation does', async () => {
    const sent = () => tg.sentTexts('6605').filter((t) => !t.startsWith('Thinking'));
    const say = (text: string) =>
      tg.pushMessage({ chatId: 6605, from: { id: 6605, first_name: 'Di' }, text });
    const before = llm.requests.length;
    const release = llm.hold(before + 1);
    await say('slow');
    await llm.waitForRequests(before + 1, 30_000);
    const key = (await op.request('sessions.list', {})).sessions.find((s) => s.key.includes('6605'))!.key;
    let runId: string | undefined;
    await eventually(async () => {
      runId = (await op.request('sessions.describe', { key })).session?.activeRunId;
      return runId !== undefined;
    });
    await say('/stop');
    await eventually(() => sent().includes('⚙️ Agent was aborted.'), 30_000);
    // The run ended as chat.abort ends one, before the model answered.
    expect(await op.request('agent.wait', { runId: runId!, timeoutMs: 10_000 })).toMatchObject({
      status: 'aborted',
    });
    release();
    // Nothing runs now: the reference answers the same.
    await say('/stop');
    await eventually(() => sent().filter((t) => t === '⚙️ Agent was aborted.').length === 2, 30_000);
    await say('after');
    await eventually(() => sent().includes('re: after'), 30_000);
    expect(sent()).toEqual(['⚙️ Agent was aborted.', '⚙️ Agent was aborted.', 're: after']);
  }, 60_000);

  it('/compact <instructions> stops the running turn, then summarises the older messages through the model with those instructions; /whoami shows the sender', async () => {
    const sent = () => tg.sentTexts('6606');
    const say = async (text: string, expected: (t: string) => boolean) => {
      await tg.pushMessage({ chatId: 6606, from: { id: 6606, first_name: 'Ed', username: 'ed' }, text });
      await eventually(() => sent().some(expected), 30_000);
    };
    for (const word of ['one', 'two', 'three']) await say(word, (t) => t === `re: ${word}`);
    const key = (await op.request('sessions.list', {})).sessions.find((s) => s.key.includes('6606'))!.key;
    // A turn still running is stopped first, as the reference's /compact does.
    const before = llm.requests.length;
    const release = llm.hold(before + 1);
    let runId: string | undefined;
    try {
      await tg.pushMessage({
        chatId: 6606,
        from: { id: 6606, first_name: 'Ed', username: 'ed' },
        text: 'slow',
      });
      await llm.waitForRequests(before + 1, 30_000);
      await eventually(async () => {
        runId = (await op.request('sessions.describe', { key })).session?.activeRunId;
        return runId !== undefined;
      });
      await tg.pushMessage({
        chatId: 6606,
        from: { id: 6606, first_name: 'Ed', username: 'ed' },
        text: '/compact keep the numbers',
      });
      expect(await op.request('agent.wait', { runId: runId!, timeoutMs: 10_000 })).toMatchObject({
        status: 'aborted',
      });
    } finally {
      // The summary call comes after the stop; the fake holds it too until now.
      release();
    }
    await eventually(() => sent().some((t) => t.startsWith('⚙️ Compacted (')), 30_000);
    expect(sent()).not.toContain('re: slow');
    const summary = llm.requests.at(-1)!;
    expect(messageText(summary.messages[0]!)).toMatch(/^You compact a conversation/);
    expect(messageText(summary.messages[0]!)).toContain('keep the numbers');
    expect(lastUser(summary)).toMatch(/^Conversation:\nuser: one\n/);
    expect(sent().at(-1)).toMatch(/^⚙️ Compacted \(\d+ → \d+\) • Context \d+\/32k \(\d+%\)$/);
    // The tail within 12 tokens, counted once the stopped turn had ended: its empty aborted answer
    // (4), `slow` (5) and `re: three` (7); not the fixed newest 4.
    expect((await op.request('chat.history', { sessionKey: key })).messages.map((m) => m.text)).toEqual([
      're: three',
      'slow',
      '',
    ]);
    await say('/whoami', (t) => t.startsWith('🧭'));
    expect(sent().at(-1)).toBe(
      '🧭 Identity\nChannel: telegram\nUser id: 6606\nUsername: @ed\nAllowFrom: 6606',
    );
  }, 60_000);

  it('a plain stop word from a listed sender aborts the held model turn as /stop does; from an unlisted group member it is text', async () => {
    const sent = () => tg.sentTexts('6607').filter((t) => !t.startsWith('Thinking'));
    const say = (text: string) =>
      tg.pushMessage({ chatId: 6607, from: { id: 6607, first_name: 'Flo' }, text });
    const before = llm.requests.length;
    const release = llm.hold(before + 1);
    await say('slow');
    await llm.waitForRequests(before + 1, 30_000);
    const key = (await op.request('sessions.list', {})).sessions.find((s) => s.key.includes('6607'))!.key;
    let runId: string | undefined;
    await eventually(async () => {
      runId = (await op.request('sessions.describe', { key })).session?.activeRunId;
      return runId !== undefined;
    });
    try {
      await say('Stop!');
      await eventually(() => sent().includes('⚙️ Agent was aborted.'), 30_000);
      expect(await op.request('agent.wait', { runId: runId!, timeoutMs: 10_000 })).toMatchObject({
        status: 'aborted',
      });
    } finally {
      // Held no longer either way, so a failure here leaves the later cases their model.
      release();
    }
    await tg.pushMessage({
      chatId: -7001,
      chatType: 'group',
      from: { id: 6602, first_name: 'u6602' },
      text: 'stop',
    });
    await eventually(() => tg.sentTexts('-7001').includes('re: stop'), 30_000);
    expect(sent()).toEqual(['⚙️ Agent was aborted.']);
    expect(llm.requests.slice(before).map(lastUser)).toEqual(['slow', 'stop']);
  }, 60_000);

  // Last: the owners it sets stay for the rest of the file.
  it('with commands.ownerAllowFrom set, its Telegram owners (a `tg:` entry too) use commands; a listed sender who is no owner sends them as text', async () => {
    await op.request('config.patch', {
      raw: JSON.stringify({ commands: { ownerAllowFrom: ['telegram:6603', 'tg:6604'] } }),
    });
    await tg.pushMessage({ chatId: 6604, from: { id: 6604, first_name: 'Cy' }, text: '/model' });
    await eventually(
      () => tg.sentTexts('6604').at(-1)?.startsWith('Model: local/qwen (the default).'),
      30_000,
    );
    const before = llm.requests.length;
    await tg.pushMessage({ chatId: 6601, from: { id: 6601, first_name: 'Ann' }, text: '/think low' });
    await eventually(() => tg.sentTexts('6601').includes('re: /think low'), 30_000);
    expect(lastUser(llm.requests[before]!)).toBe('/think low');
  }, 60_000);
});
