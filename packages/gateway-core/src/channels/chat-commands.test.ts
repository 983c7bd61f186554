import { defaultConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { ModelRegistry } from '../agent/model-registry.ts';
import { sessionAgentState } from '../agent/session-agent-state.ts';
import { SessionCompactor } from '../agent/session-compactor.ts';
import { sessionModel } from '../agent/session-model.ts';
import { sessionThinkingState } from '../agent/session-thinking.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { sessionCommands } from '../sessions/session-commands.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { coreAccountConfig } from '../testing/core-account-config.ts';
import { AccessControl } from './access-control.ts';
import { parseChatCommand } from './chat-commands.ts';
import { chatDirectives } from './chat-directives.ts';
import type { InboundEnvelope } from './sdk/types.ts';

const KEY = 'agent:main:telegram:dm:1';
const NEW = 'Started a new session: the earlier conversation is cleared.';

async function setup(keepRecentTokens = 20_000) {
  const store = createMemoryStore();
  const levels = sessionThinkingState({
    kv: store.kv,
    models: { candidates: () => ['local/qwen'], providers: () => ({}) },
    agentOf: () => ({ id: 'main' }),
    sectionDefault: () => 'low',
  });
  const stopped: string[] = [];
  const aborted: string[] = [];
  const changed: string[] = [];
  let running: string | undefined;
  const cfg = coreAccountConfig();
  const agent = () => ({ ...defaultConfig().agent, compaction: { keepRecentTokens } });
  const models = new ModelRegistry({ config: agent });
  const compactor = new SessionCompactor({ kv: store.kv, models, config: agent, log: createSilentLogger() });
  // The agent's real state beside a session (what a reset forgets, what it keeps).
  const agentState = sessionAgentState({ store, models, compactor, agentOf: () => 'main', thinking: levels });
  const commands = sessionCommands({
    store,
    sessions: () => ({
      stopRuns: async (k) => {
        stopped.push(k);
        running = undefined;
      },
      activeRunId: () => running,
      abort: (k) => {
        aborted.push(k);
        const ids = running ? [running] : [];
        running = undefined;
        return ids;
      },
    }),
    feed: { sessionChanged: (k, reason) => changed.push(`${reason}:${k}`) },
    agents: { agentOf: () => 'main', modelRef: () => 'local/qwen', fallbacks: () => ['local/llama'] },
    agentState,
  });
  const handle = chatDirectives({
    access: new AccessControl(store.channelAccess, () => 0),
    levels,
    owners: () => [],
    sessionKeyOf: () => KEY,
    ensureSession: async (key) => {
      await store.sessions.ensure({ key, kind: 'channel', channel: 'telegram', createdAtMs: 1 });
    },
    onPatched: (key) => changed.push(`patch:${key}`),
    commands,
  });
  const env = (text: string, sender = '1', kind: 'direct' | 'group' = 'direct'): InboundEnvelope => ({
    channel: 'telegram',
    accountId: 'default',
    id: 'm1',
    at: 0,
    chat: { kind, id: kind === 'direct' ? sender : '-100' },
    sender: { id: sender, username: 'ann', isBot: false, isSelf: false },
    text,
    mentions: { bot: false, userIds: [] },
    media: [],
  });
  await store.sessions.ensure({ key: KEY, kind: 'channel', channel: 'telegram', createdAtMs: 1 });
  for (const [i, text] of ['hello', 'hi there'].entries())
    await store.sessions.append({
      sessionKey: KEY,
      id: `t:${i}`,
      role: i ? 'assistant' : 'user',
      text,
      ts: 1,
    });
  return {
    store,
    stopped,
    aborted,
    changed,
    run: (id: string | undefined) => {
      running = id;
    },
    levels,
    compactor,
    count: async () => (await store.sessions.get(KEY))?.messageCount,
    model: () => sessionModel(store.kv, KEY),
    say: (text: string, o: { sender?: string; kind?: 'direct' | 'group'; replay?: boolean } = {}) =>
      handle(env(text, o.sender, o.kind), cfg, o.replay),
  };
}

describe('chat commands', () => {
  it('recognises a command only at the start of a message, as a word of its own', () => {
    expect(parseChatCommand('/new')).toEqual({ name: 'new', arg: '' });
    expect(parseChatCommand(' /Reset@my_bot  go on ')).toEqual({ name: 'reset', arg: 'go on' });
    expect(parseChatCommand('/model: local/llama')).toEqual({ name: 'model', arg: 'local/llama' });
    expect(parseChatCommand('/models')).toEqual({ name: 'model', arg: '' });
    expect(parseChatCommand('/status')).toEqual({ name: 'status', arg: '' });
    expect(parseChatCommand('/STOP')).toEqual({ name: 'stop', arg: '' });
    expect(parseChatCommand('/compact: keep the API notes')).toEqual({
      name: 'compact',
      arg: 'keep the API notes',
    });
    expect(parseChatCommand('/id')).toEqual({ name: 'whoami', arg: '' });
    expect(parseChatCommand('/commands@my_bot')).toEqual({ name: 'commands', arg: '' });
    expect(parseChatCommand('/helpful')).toBeUndefined();
    expect(parseChatCommand('please /reset')).toBeUndefined();
    expect(parseChatCommand('/newest idea')).toBeUndefined();
  });

  it('/reset stops the running turn, empties the session (its chosen model stays) and tells watchers; a redelivered one resets nothing', async () => {
    const t = await setup();
    await t.say('/model local/llama');
    t.run('run-1');
    expect(await t.say('/reset')).toEqual({ answer: NEW, sessionKey: KEY });
    expect(t.stopped).toEqual([KEY]);
    expect(await t.count()).toBe(0);
    // As the reference's reset: the chosen model is a setting of the chat; `/model default` clears it.
    expect(await t.model()).toBe('local/llama');
    expect(t.changed).toEqual([`patch:${KEY}`, `reset:${KEY}`]);
    await t.store.sessions.append({ sessionKey: KEY, id: 't:9', role: 'user', text: 'after', ts: 2 });
    expect(await t.say('/reset', { replay: true })).toEqual({ answer: NEW, sessionKey: KEY });
    expect(await t.count()).toBe(1);
    // In a group, the mention that addressed the bot is not text for a fresh turn.
    expect(await t.say('/reset @my_bot', { kind: 'group' })).toEqual({ answer: NEW, sessionKey: KEY });
    expect(await t.count()).toBe(0);
    await t.store.sessions.append({ sessionKey: KEY, id: 't:10', role: 'user', text: 'later', ts: 3 });
    expect((await t.say('/reset soft')).answer).toContain('not supported');
    expect(await t.count()).toBe(1);
  });

  it('/reset and /new keep the session’s own thinking and reasoning levels, as the reference’s reset does', async () => {
    const t = await setup();
    await t.say('/think high');
    await t.say('/reasoning on');
    await t.say('/reset');
    await t.say('/new again');
    expect((await t.levels.rows([KEY])).get(KEY)).toMatchObject({
      thinkingLevel: 'high',
      reasoningLevel: 'on',
    });
    expect((await t.say('/status')).answer).toContain('Thinking: high · Reasoning: on');
  });

  it('/new <text> resets and hands the text on as the fresh session’s message; /new <model> starts on that model', async () => {
    const t = await setup();
    const out = await t.say('/new tell me a joke');
    expect(out.answer).toBeUndefined();
    expect(out).toMatchObject({ env: { text: 'tell me a joke' } });
    expect(await t.count()).toBe(0);
    expect(await t.say('/new llama')).toEqual({
      answer: 'Started a new session on local/llama.',
      sessionKey: KEY,
    });
    expect(await t.model()).toBe('local/llama');
  });

  it('a sender who is not authorised sends commands to the model as text, changing nothing', async () => {
    const t = await setup();
    const out = await t.say('/reset', { sender: '2', kind: 'group' });
    expect(out).toMatchObject({ env: { text: '/reset' } });
    expect(out.answer).toBeUndefined();
    expect(t.stopped).toEqual([]);
    expect(await t.count()).toBe(2);
  });

  it('/model lists the configured models, sets one, refuses others and clears with default', async () => {
    const t = await setup();
    expect((await t.say('/model')).answer).toBe(
      'Model: local/qwen (the default).\nConfigured models: local/qwen, local/llama.\nUse /model <provider/model> to switch, /model default to go back.',
    );
    expect((await t.say('/model openai/gpt-9')).answer).toBe(
      'No configured model "openai/gpt-9". Configured models: local/qwen, local/llama.',
    );
    expect(await t.model()).toBeUndefined();
    expect((await t.say('/model Local/Llama')).answer).toBe('Model set to local/llama for this session.');
    expect(await t.model()).toBe('local/llama');
    expect((await t.say('/models')).answer).toContain('Model: local/llama (chosen for this session).');
    expect((await t.say('/model default')).answer).toBe('Model back to the default (local/qwen).');
    expect(await t.model()).toBeUndefined();
  });

  it('/status reports the model, levels, message count and whether a turn runs', async () => {
    const t = await setup();
    await t.say('/think high');
    t.run('run-1');
    expect((await t.say('/status')).answer).toBe(
      [
        `Session: ${KEY}`,
        'Model: local/qwen',
        'Thinking: high · Reasoning: off',
        'Messages: 2',
        'A turn is running now.',
      ].join('\n'),
    );
  });

  it('/stop aborts the running turn as chat.abort does and says so; with none running it says the same; a redelivered one aborts nothing', async () => {
    const t = await setup();
    t.run('run-1');
    expect(await t.say('/stop')).toEqual({ answer: '⚙️ Agent was aborted.', sessionKey: KEY });
    expect(t.aborted).toEqual([KEY]);
    expect((await t.say('/status')).answer).toContain('Idle.');
    expect(await t.say('/stop')).toEqual({ answer: '⚙️ Agent was aborted.', sessionKey: KEY });
    expect(t.aborted).toEqual([KEY, KEY]);
    t.run('run-2');
    expect((await t.say('/stop', { replay: true })).answer).toBe('⚙️ Agent was aborted.');
    expect(t.aborted).toEqual([KEY, KEY]);
    // Only the bare command stops (as in the reference): anything after it makes it text.
    expect(await t.say('/stop the music')).toMatchObject({ env: { text: '/stop the music' } });
    expect(await t.say('/stop @my_bot', { kind: 'group' })).toMatchObject({ answer: '⚙️ Agent was aborted.' });
    expect(t.aborted).toEqual([KEY, KEY, KEY]);
  });

  it('a message that is only a stop word stops the turn as /stop does (any case, spacing, trailing punctuation, other languages)', async () => {
    const t = await setup();
    for (const word of [
      'stop',
      'STOP!',
      ' Please   stop. ',
      'esc',
      'abort',
      'Stop don’t do anything',
      'стоп',
      '停止。',
      '/stop.',
    ])
      expect(await t.say(word)).toEqual({ answer: '⚙️ Agent was aborted.', sessionKey: KEY });
    expect(t.aborted).toHaveLength(9);
    // Anything more is text for the model; from a sender who may not command, a stop word is text too.
    expect(await t.say('stop that')).toMatchObject({ env: { text: 'stop that' } });
    expect(await t.say('stop', { sender: '2' })).toMatchObject({ env: { text: 'stop' } });
    expect(t.aborted).toHaveLength(9);
  });

  it('/compact stops the running turn first, summarises all but a recent tail of keepRecentTokens and reports the context', async () => {
    const t = await setup(300);
    expect((await t.say('/compact')).answer).toBe(
      '⚙️ Compaction skipped: nothing compactable in this session yet • Context 12/32k (0%)',
    );
    for (let i = 2; i < 8; i++)
      await t.store.sessions.append({
        sessionKey: KEY,
        id: `t:${i}`,
        role: i % 2 ? 'assistant' : 'user',
        text: 'x'.repeat(400),
        ts: 1,
      });
    t.changed.length = 0;
    t.stopped.length = 0;
    t.run('run-1');
    expect((await t.say('/compact focus on the plan')).answer).toBe(
      '⚙️ Compacted (636 → 312) • Context 312/32k (1%)',
    );
    // 104 tokens a message: the newest three reach the 300-token budget, and stay.
    expect(await t.count()).toBe(3);
    expect(t.stopped).toEqual([KEY]);
    expect((await t.say('/status')).answer).toContain('Idle.');
    expect(t.changed).toEqual([`compact:${KEY}`]);
  });

  it('/compact never keeps a tool result without the call it answers: the cut moves past the results', async () => {
    const t = await setup(150);
    const add = (id: string, role: 'user' | 'assistant' | 'toolResult', text: string, more = {}) =>
      t.store.sessions.append({ sessionKey: KEY, id, role, text, ts: 1, ...more });
    await add('u', 'user', 'look it up');
    await add('a', 'assistant', '', { toolCalls: [{ id: 'c1', name: 'search', args: { q: 'x' } }] });
    await add('r1', 'toolResult', 'y'.repeat(400), { toolName: 'search' });
    await add('r2', 'toolResult', 'z'.repeat(200), { toolName: 'search' });
    await add('f', 'assistant', 'found it');
    // The budget runs out on the first result: the tail starts after both results, at the answer.
    await t.say('/compact');
    const left = await t.store.sessions.history(KEY, { limit: 10 });
    expect(left.map((m) => m.text)).toEqual(['found it']);
  });

  it('/help and /commands list only what is served here; /whoami and /id show the sender as the reference does', async () => {
    const t = await setup();
    const help = (await t.say('/help')).answer!;
    expect(help.split('\n')[0]).toBe('ℹ️ Help');
    expect(help).toContain('/new  |  /reset  |  /compact [instructions]  |  /stop');
    const list = (await t.say('/commands')).answer!;
    for (const c of [
      '/new',
      '/reset',
      '/compact',
      '/stop',
      '/think',
      '/reasoning',
      '/model',
      '/status',
      '/whoami',
    ])
      expect(list).toContain(`  ${c} `);
    for (const absent of ['/verbose', '/fast', '/tools']) {
      expect(help).not.toContain(absent);
      expect(list).not.toContain(absent);
    }
    expect((await t.say('/whoami')).answer).toBe(
      '🧭 Identity\nChannel: telegram\nUser id: 1\nUsername: @ann\nAllowFrom: 1',
    );
    expect((await t.say('/id', { kind: 'group' })).answer).toBe(
      '🧭 Identity\nChannel: telegram\nUser id: 1\nUsername: @ann\nChat: telegram:group:-100\nAllowFrom: 1',
    );
    expect(await t.say('/help me with this')).toMatchObject({ env: { text: '/help me with this' } });
  });
});
