// Thinking levels end to end, through a real gateway, an OpenAI-compatible model server on its
// wire-level fake and Telegram on its fake: each request carries the `reasoning_effort` of the
// level that applies (the agent's default, then the session's, a run's own, a cron job's), the
// reasoning the model streams reaches `agent` events and the session history, and the Telegram
// chat gets only the answer.
import { rm } from 'node:fs/promises';
import type { EventPayload } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, FakeTelegram, messageText } from '@openclaw/test-fakes';
import {
  type CleanupList,
  channelSessionKey,
  connectOperator,
  eventually,
  newToken,
  runCleanup,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

async function rejection(p: Promise<unknown>): Promise<{ code: string; details?: Record<string, unknown> }> {
  return p.then(
    (v) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(v)}`);
    },
    (e: unknown) => e as never,
  );
}

describe('thinking levels and reasoning (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterAll(() => runCleanup(cleanup));

  let llm: FakeOpenAi;
  let tg: FakeTelegram;
  let op: Awaited<ReturnType<typeof connectOperator>>;
  const thinking: EventPayload<'agent'>[] = [];
  beforeAll(async () => {
    // The model reasons (reasoning_content deltas) before answering the newest user message.
    const script = (req: ChatRequest) => {
      const asked = messageText(req.messages.filter((m) => m.role === 'user').at(-1)!);
      return { reasoning: ['Let me ', `think about ${asked}.`], text: [`re: ${asked}`] };
    };
    llm = await FakeOpenAi.start({ script });
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
          thinkingDefault: 'minimal',
        },
        channels: { telegram: tg.account() },
      },
    });
    cleanup.push(() => gw.stop());
    op = await connectOperator(gw.url, token, { scopes: ['operator.admin'] });
    cleanup.push(() => op.close());
    op.on('agent', (e) => {
      if (e.stream === 'thinking') thinking.push(e);
    });
    await eventually(async () =>
      JSON.stringify(await op.request('channels.status', {})).includes('"connected":true'),
    );
  }, 60_000);

  it('each request carries the effort of the level that applies; reasoning reaches events and history, not Telegram', async () => {
    const effortOf = (text: string) =>
      llm.requests.find((r) => messageText(r.messages.filter((m) => m.role === 'user').at(-1)!) === text)
        ?.reasoning_effort;

    // The agent's default applies to a session that chose none.
    await tg.pushMessage({ chatId: 5501, from: { id: 5501, first_name: 'Ann' }, text: 'one' });
    await eventually(() => tg.sentTexts('5501').includes('re: one'), 30_000);
    expect(effortOf('one')).toBe('minimal');
    const key = (await eventually(() => channelSessionKey(op, 'telegram')))!;

    // The session's own level: checked against its model's API, shown back on its row (and on
    // the row that list subscribers are sent).
    const changed: EventPayload<'sessions.changed'>[] = [];
    op.on('sessions.changed', (e) => changed.push(e));
    await op.request('sessions.subscribe', {});
    const patched = await op.request('sessions.patch', { key, thinkingLevel: 'High' });
    expect(patched.session).toMatchObject({
      thinkingLevel: 'high',
      thinkingDefault: 'minimal',
      thinkingOptions: ['off', 'minimal', 'low', 'medium', 'high'],
    });
    await eventually(() => changed.some((e) => e.session?.thinkingLevel === 'high'));
    const listed = await op.request('sessions.list', {});
    expect(listed.sessions.find((s) => s.key === key)?.thinkingLevel).toBe('high');
    const unsupported = await rejection(op.request('sessions.patch', { key, thinkingLevel: 'max' }));
    expect(unsupported.details).toMatchObject({ code: 'THINKING_UNSUPPORTED', path: '/thinkingLevel' });
    const unknown = await rejection(op.request('sessions.patch', { key, thinkingLevel: 'big' }));
    expect(unknown.details).toMatchObject({ code: 'PARAMS_INVALID', path: '/thinkingLevel' });

    await tg.pushMessage({ chatId: 5501, from: { id: 5501, first_name: 'Ann' }, text: 'two' });
    await eventually(() => tg.sentTexts('5501').includes('re: two'), 30_000);
    expect(effortOf('two')).toBe('high');
    // Telegram got the answers only, never what the model reasoned.
    expect(tg.sentTexts('5501')).toEqual(['re: one', 're: two']);
    // The reasoning streamed as the reference's `thinking` agent events (text so far, and the delta).
    await eventually(() => thinking.some((e) => e.data.text === 'Let me think about two.'));
    expect(thinking.filter((e) => e.data.delta === 'think about two.')).toHaveLength(1);
    // The history keeps it as a thinking part before the answer.
    const history = await op.request('chat.history', { sessionKey: key });
    expect(history.messages.at(-1)).toMatchObject({
      role: 'assistant',
      text: 're: two',
      content: [
        { type: 'thinking', thinking: 'Let me think about two.' },
        { type: 'text', text: 're: two' },
      ],
    });

    // A run's own level is for that run; the session keeps its own.
    const run = await op.request('agent', {
      message: 'three',
      sessionKey: key,
      thinking: 'low',
      idempotencyKey: 'think-3',
    });
    await op.request('agent.wait', { runId: run.runId, timeoutMs: 30_000 });
    expect(effortOf('three')).toBe('low');
    const bad = await rejection(
      op.request('agent', { message: 'x', sessionKey: key, thinking: 'ultra', idempotencyKey: 'think-x' }),
    );
    expect(bad.details).toMatchObject({ code: 'PARAMS_INVALID', path: '/thinking' });

    // Cleared: the agent's default again; off sends no reasoning setting at all.
    const cleared = await op.request('sessions.patch', { key, thinkingLevel: null });
    expect(cleared.session.thinkingLevel).toBeUndefined();
    await op.request('sessions.patch', { key, thinkingLevel: 'off' });
    await tg.pushMessage({ chatId: 5501, from: { id: 5501, first_name: 'Ann' }, text: 'four' });
    await eventually(() => tg.sentTexts('5501').includes('re: four'), 30_000);
    const four = llm.requests.find((r) => JSON.stringify(r.messages).includes('"four"'));
    expect(four && 'reasoning_effort' in four).toBe(false);

    // A cron job's level (the reference layout's payload.thinking) is stored, shown and used.
    const job = await op.request('cron.add', {
      name: 'deep',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'five', thinking: 'medium' },
      delivery: { mode: 'none' },
    });
    expect(JSON.stringify(job)).toContain('"thinking":"medium"');
    await op.request('cron.run', { id: job.id, mode: 'force' });
    await eventually(() => effortOf('five'), 30_000);
    expect(effortOf('five')).toBe('medium');
  }, 120_000);

  it('reasoningLevel on sends the reasoning to the chat before the answer; stream and off send only the answer', async () => {
    const say = async (text: string) => {
      await tg.pushMessage({ chatId: 5502, from: { id: 5502, first_name: 'Bo' }, text });
      await eventually(() => tg.sentTexts('5502').includes(`re: ${text}`), 30_000);
    };
    await say('a');
    const key = (await eventually(async () => {
      const { sessions } = await op.request('sessions.list', {});
      return sessions.find((s) => s.key.includes('5502'))?.key;
    }))!;
    const changed: EventPayload<'sessions.changed'>[] = [];
    op.on('sessions.changed', (e) => changed.push(e));
    await op.request('sessions.subscribe', {});

    // A reference spelling is stored as its name, shown on the row and on the changed row.
    const on = await op.request('sessions.patch', { key, reasoningLevel: 'show' });
    expect(on.session.reasoningLevel).toBe('on');
    await eventually(() => changed.some((e) => e.sessionKey === key && e.session?.reasoningLevel === 'on'));
    const bad = await rejection(op.request('sessions.patch', { key, reasoningLevel: 'loud' }));
    expect(bad.details).toMatchObject({ code: 'PARAMS_INVALID', path: '/reasoningLevel' });
    await say('b');
    // Its own message, first, in the chat's order; then the answer alone.
    await eventually(() => tg.sentTexts('5502').length === 3);
    expect(tg.sentTexts('5502')).toEqual(['re: a', 'Thinking\n\n_Let me think about b._', 're: b']);

    // stream: no chat channel here previews reasoning, so only the answer goes; cleared: off.
    await op.request('sessions.patch', { key, reasoningLevel: 'stream' });
    await say('c');
    const cleared = await op.request('sessions.patch', { key, reasoningLevel: null });
    expect(cleared.session.reasoningLevel).toBeUndefined();
    await say('d');
    expect(tg.sentTexts('5502')).toEqual([
      're: a',
      'Thinking\n\n_Let me think about b._',
      're: b',
      're: c',
      're: d',
    ]);
  }, 120_000);

  it("agent.reasoningDefault, then an agent's own reasoningDefault, apply where the session names none; the session's own level wins; bad values are refused with their paths", async () => {
    const patch = (raw: unknown) => op.request('config.patch', { raw: JSON.stringify(raw) });
    const say = async (text: string) => {
      await tg.pushMessage({ chatId: 5503, from: { id: 5503, first_name: 'Cy' }, text });
      await eventually(() => tg.sentTexts('5503').includes(`re: ${text}`), 30_000);
    };
    const row = async () => (await op.request('sessions.list', {})).sessions.find((s) => s.key === key);
    await say('e');
    const key = (await eventually(async () => {
      const { sessions } = await op.request('sessions.list', {});
      return sessions.find((s) => s.key.includes('5503'))?.key;
    }))!;
    expect(await row()).toMatchObject({ reasoningDefault: 'off' });

    await patch({ agent: { reasoningDefault: 'on' } });
    expect(await row()).toMatchObject({ reasoningDefault: 'on' });
    expect((await row())?.reasoningLevel).toBeUndefined();
    await say('f');
    // The session's own off wins over the default.
    await op.request('sessions.patch', { key, reasoningLevel: 'off' });
    await say('g');
    await op.request('sessions.patch', { key, reasoningLevel: null });
    // The agent's own default wins over the section's: stream is as off on Telegram.
    await patch({ agents: { list: [{ id: 'main', reasoningDefault: 'stream' }] } });
    expect(await row()).toMatchObject({ reasoningDefault: 'stream' });
    await say('h');
    expect(tg.sentTexts('5503')).toEqual([
      're: e',
      'Thinking\n\n_Let me think about f._',
      're: f',
      're: g',
      're: h',
    ]);

    await expect(patch({ agent: { reasoningDefault: 'loud' } })).rejects.toMatchObject({
      details: { path: 'agent.reasoningDefault' },
    });
    await expect(
      patch({ agents: { list: [{ id: 'main', reasoningDefault: 'yes' }] } }),
    ).rejects.toMatchObject({
      details: { path: 'agents.list.0.reasoningDefault' },
    });
    await patch({ agent: { reasoningDefault: null }, agents: { list: [] } });
  }, 120_000);
});
