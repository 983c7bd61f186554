// Several agents on one gateway process: a binding sends one Telegram chat to the `support` agent,
// everything else goes to `main`; each turn goes to its own agent's model with its own prompt
// file and tools, `agents.list` over the WebSocket lists both, an `agent` call naming `support` runs there,
// and removing the agent from the config file applies on reload. Real process, wire-level fakes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChatRequest, FakeTelegram, messageText } from '@openclaw/test-fakes';
import { type CleanupList, eventually, runCleanup, scriptedGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

describe('several agents routed by bindings (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  it('a bound Telegram chat is answered by support (its model, its prompt), others by main', async () => {
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const {
      fake: llm,
      stateDir,
      config,
      start,
      operator,
    } = await scriptedGateway(cleanup, {
      model: { reply: (req) => [`${req.model} `, 'answers'] },
      modelName: 'main-model',
      config: {
        channels: {
          telegram: tg.account(),
        },
        agents: {
          list: [
            {
              id: 'support',
              name: 'Support desk',
              model: 'openai-compatible/support-model',
              tools: { allow: ['message'] },
            },
          ],
        },
        bindings: [
          { agentId: 'support', match: { channel: 'telegram', peer: { kind: 'direct', id: '501' } } },
        ],
      },
    });
    for (const [id, prompt] of [
      ['main', 'You are the main agent.'],
      ['support', 'You are the support desk.'],
    ] as const) {
      await mkdir(join(stateDir, 'agents', id), { recursive: true });
      await writeFile(join(stateDir, 'agents', id, 'SYSTEM.md'), `${prompt}\n`);
    }
    // Without the agent and its binding: written back later, to remove them.
    const base = { agent: config.agent, channels: config.channels };
    const op = await operator(await start());
    await eventually(async () =>
      JSON.stringify(await op.request('channels.status', {})).includes('"connected":true'),
    );

    // agents.list over the WebSocket: both agents, each with its model.
    const listed = await op.request('agents.list', {});
    expect(listed.defaultId).toBe('main');
    expect(listed.ownership).toBe('legacy');
    expect(listed.agents.map(withoutThinking)).toEqual([
      { id: 'main', kind: 'agent', name: 'Assistant', model: { primary: 'openai-compatible/main-model' } },
      {
        id: 'support',
        kind: 'agent',
        name: 'Support desk',
        model: { primary: 'openai-compatible/support-model' },
      },
    ]);
    expect(await op.request('agent.identity.get', { agentId: 'support' })).toMatchObject({
      agentId: 'support',
      name: 'Support desk',
      nameSource: 'config',
    });

    const requestFor = (text: string) =>
      llm.requests.find((r) => r.messages.some((m) => m.role === 'user' && messageText(m) === text));
    const systemOf = (r: ChatRequest | undefined) => r?.messages.find((m) => m.role === 'system')?.content;

    await tg.pushMessage({ chatId: 501, from: { id: 501, first_name: 'Ann' }, text: 'my order is late' });
    await tg.pushMessage({ chatId: 502, from: { id: 502, first_name: 'Bob' }, text: 'hello there' });
    await tg.waitForSent(2, 30_000);
    expect(tg.sentTexts('501')).toEqual(['support-model answers']);
    expect(tg.sentTexts('502')).toEqual(['main-model answers']);
    expect(requestFor('my order is late')?.model).toBe('support-model');
    expect(systemOf(requestFor('my order is late'))).toBe('You are the support desk.');
    expect(requestFor('hello there')?.model).toBe('main-model');
    expect(systemOf(requestFor('hello there'))).toBe('You are the main agent.');
    // Each agent is offered its own tools.
    const toolsOf = (r: ChatRequest | undefined) => (r?.tools ?? []).map((t) => t.function.name).sort();
    expect(toolsOf(requestFor('my order is late'))).toEqual(['message']);
    expect(toolsOf(requestFor('hello there'))).toEqual(['canvas', 'cron', 'message', 'nodes', 'sessions']);

    // Each chat's session belongs to its agent, in the key and in the row.
    const rows = (await op.request('sessions.list', {})).sessions;
    expect(rows.find((r) => r.chatId === '501')).toMatchObject({
      key: 'agent:support:telegram:default:501',
      agentId: 'support',
    });
    expect(rows.find((r) => r.chatId === '502')).toMatchObject({
      key: 'telegram:default:502',
      agentId: 'main',
    });

    // An `agent` call naming support runs in support's main session, on its model.
    const final = await op.requestFinal('agent', {
      message: 'status of ticket 7?',
      agentId: 'support',
      idempotencyKey: 'ma-1',
    });
    expect(final.sessionKey).toBe('agent:support:main');
    expect(final.result.payloads).toEqual([{ text: 'support-model answers' }]);
    expect(requestFor('status of ticket 7?')?.model).toBe('support-model');
    const unknown = await op
      .request('agent', { message: 'x', agentId: 'billing', idempotencyKey: 'ma-2' })
      .catch((e: { detailCode?: string }) => e);
    expect((unknown as { detailCode?: string }).detailCode).toBe('AGENT_UNKNOWN');

    // Remove the agent and its binding from the file: on reload the chat goes back to main.
    await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify(base));
    await eventually(async () => (await op.request('agents.list', {})).agents.length === 1);
    await tg.pushMessage({ chatId: 501, from: { id: 501, first_name: 'Ann' }, text: 'still late' });
    await tg.waitForSent(3, 30_000);
    expect(tg.sentTexts('501')).toEqual(['support-model answers', 'main-model answers']);
    expect(systemOf(requestFor('still late'))).toBe('You are the main agent.');
  }, 90_000);
});

/** An agents.list row without its thinking fields (what this test checks is the rest). */
function withoutThinking<
  T extends { thinkingLevels?: unknown; thinkingOptions?: unknown; thinkingDefault?: unknown },
>(row: T) {
  const { thinkingLevels: _levels, thinkingOptions: _options, thinkingDefault: _default, ...rest } = row;
  return rest;
}
