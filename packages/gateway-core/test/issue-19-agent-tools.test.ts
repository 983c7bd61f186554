import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type EventPayload,
  type GatewayClient,
  type GatewayRequestError,
  generateDeviceIdentity,
  type NodeInvokeRequestEvent,
} from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText, type ScriptedTurn } from '@openclaw/test-fakes';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { cronCore } from './cron-core.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

/** The fake model: the i-th step of a turn makes `calls[i]` (when there is one), then it answers. */
function toolThenAnswer(calls: ScriptedTurn['toolCalls'][], answer: (req: ChatRequest) => string) {
  return (req: ChatRequest): ScriptedTurn => {
    const lastUser = req.messages.map((m) => m.role).lastIndexOf('user');
    const step = req.messages.slice(lastUser).filter((m) => m.role === 'assistant').length;
    const next = calls[step];
    return next ? { toolCalls: next } : { text: answer(req).split(/(?<= )/) };
  };
}

async function setup(
  script: (req: ChatRequest) => ScriptedTurn,
  agent: Record<string, unknown> = {},
): Promise<{ fake: FakeOpenAi; h: Harness; op: GatewayClient; events: EventPayload<'agent'>[] }> {
  const fake = await FakeOpenAi.start({ script });
  cleanup.push(() => fake.close());
  const { openai, ...rest } = agent as { openai?: Record<string, unknown> };
  const h = await startHarness({
    config: {
      agent: {
        backend: 'openai-compatible',
        openai: { baseUrl: fake.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY', ...openai },
        ...rest,
      },
    },
  });
  cleanup.push(() => h.close());
  const op = await h.operator();
  const events: EventPayload<'agent'>[] = [];
  op.on('agent', (e) => events.push(e));
  return { fake, h, op, events };
}

/** A paired node answering every invoke with `answer`. */
async function startNode(
  h: Harness,
  op: GatewayClient,
  commands: string[],
  answer: (r: NodeInvokeRequestEvent) => unknown,
  /** What the node reports before it answers (`node.invoke.progress` chunks). */
  progress: string[] = [],
) {
  const identity = await generateDeviceIdentity();
  const node = await h.client({
    identity,
    role: 'node',
    scopes: [],
    client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node', displayName: 'bench node' },
    caps: ['system'],
    commands,
    permissions: { 'system.run': true },
  });
  const seen: NodeInvokeRequestEvent[] = [];
  node.on('node.invoke.request', (req) => {
    seen.push(req);
    void (async () => {
      for (const [i, chunk] of progress.entries())
        await node.request('node.invoke.progress', { invokeId: req.id, nodeId: req.nodeId, seq: i, chunk });
      await node.request('node.invoke.result', {
        id: req.id,
        nodeId: req.nodeId,
        ok: true,
        payload: answer(req),
      });
    })();
  });
  await node.connect();
  const pending = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
  await op.request('node.pair.approve', { requestId: pending.requestId });
  return { nodeId: identity.deviceId, seen };
}

describe('the agent acts through tools (issue 19)', () => {
  it('runs a tool call on a node, gives the result back, answers; events and history in the reference shape', async () => {
    const { fake, h, op, events } = await setup(
      toolThenAnswer(
        [
          [
            {
              id: 'call_which',
              name: 'nodes',
              arguments: { action: 'invoke', command: 'system.which', params: { name: 'ls' } },
            },
          ],
        ],
        (req) => `ls lives at ${JSON.parse(messageText(req.messages.at(-1)!) || '{}').result.path}`,
      ),
    );
    const node = await startNode(h, op, ['system.which'], () => ({ path: '/usr/bin/ls' }));
    const r = await op.request('agent', {
      message: 'where is ls?',
      sessionKey: 'tools-1',
      idempotencyKey: 't1',
    });
    const done = await op.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 });
    expect(done).toMatchObject({ status: 'ok', output: 'ls lives at /usr/bin/ls' });

    // The node got the invoke, keyed by the tool call so a retry cannot run it twice.
    expect(node.seen).toHaveLength(1);
    expect(node.seen[0]).toMatchObject({
      command: 'system.which',
      idempotencyKey: `agent:${r.runId}:call_which`,
    });

    // The second model request carries the call and its result in the chat-completions layout.
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[0]!.tools?.map((t) => t.function.name).sort()).toEqual([
      'canvas',
      'cron',
      'message',
      'nodes',
      'sessions',
    ]);
    const second = fake.requests[1]!.messages;
    expect(second.at(-2)).toMatchObject({
      role: 'assistant',
      tool_calls: [{ id: 'call_which', type: 'function', function: { name: 'nodes' } }],
    });
    expect(second.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_which' });

    // agent events: lifecycle start, tool start → result, assistant deltas, lifecycle end.
    const mine = events.filter((e) => e.runId === r.runId);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i));
    const tool = mine.filter((e) => e.stream === 'tool').map((e) => e.data);
    expect(tool).toEqual([
      {
        phase: 'start',
        name: 'nodes',
        toolCallId: 'call_which',
        args: { action: 'invoke', command: 'system.which', params: { name: 'ls' } },
      },
      {
        phase: 'result',
        name: 'nodes',
        toolCallId: 'call_which',
        isError: false,
        result: { nodeId: node.nodeId, command: 'system.which', result: { path: '/usr/bin/ls' } },
      },
    ]);
    const kinds = mine.map((e) => `${e.stream}:${String(e.data.phase ?? '')}`);
    expect(kinds[0]).toBe('lifecycle:start');
    expect(kinds.indexOf('tool:result')).toBeLessThan(kinds.indexOf('assistant:'));
    expect(kinds.at(-1)).toBe('lifecycle:end');

    // chat.history: the tool step (a toolCall part), its result, then the answer.
    const history = await op.request('chat.history', { sessionKey: 'tools-1' });
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
    expect(history.messages[1]!.content).toEqual([
      {
        type: 'toolCall',
        id: 'call_which',
        name: 'nodes',
        arguments: { action: 'invoke', command: 'system.which', params: { name: 'ls' } },
      },
    ]);
    expect(history.messages[2]).toMatchObject({
      toolCallId: 'call_which',
      toolName: 'nodes',
      isError: false,
    });
    expect(JSON.parse(history.messages[2]!.text)).toMatchObject({ result: { path: '/usr/bin/ls' } });
    expect(history.messages[3]).toMatchObject({ text: 'ls lives at /usr/bin/ls', status: 'complete' });

    // The next turn sends the stored tool step back to the model as calls and results.
    await op.request('agent.wait', {
      runId: (await op.request('agent', { message: 'thanks', sessionKey: 'tools-1', idempotencyKey: 't1b' }))
        .runId,
      timeoutMs: 10_000,
    });
    const third = fake.requests[2]!.messages;
    expect(third.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'assistant', 'user']);
  });

  it('what a node reports while it works streams as tool updates, before the result', async () => {
    const { op, h, events } = await setup(
      toolThenAnswer(
        [[{ id: 'call_build', name: 'nodes', arguments: { action: 'invoke', command: 'system.which' } }]],
        () => 'done',
      ),
    );
    const node = await startNode(h, op, ['system.which'], () => ({ path: '/usr/bin/make' }), [
      'compiling 1/2\n',
      'compiling 2/2\n',
    ]);
    const r = await op.request('agent', {
      message: 'build it',
      sessionKey: 'tools-progress',
      idempotencyKey: 'tp',
    });
    expect(await op.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 })).toMatchObject({
      status: 'ok',
    });
    const tool = events.filter((e) => e.runId === r.runId && e.stream === 'tool').map((e) => e.data);
    expect(tool.map((d) => d.phase)).toEqual(['start', 'update', 'update', 'result']);
    expect(tool[1]).toEqual({
      phase: 'update',
      name: 'nodes',
      toolCallId: 'call_build',
      partialResult: {
        content: [{ type: 'text', text: 'compiling 1/2\n' }],
        details: {
          status: 'running',
          command: 'system.which',
          nodeId: node.nodeId,
          seq: 0,
          chunk: 'compiling 1/2\n',
        },
      },
    });
    expect(tool[2]).toMatchObject({ partialResult: { details: { seq: 1, chunk: 'compiling 2/2\n' } } });
    // The whole event validates against the reference's published AgentEvent schema.
    const update = events.find(
      (e) => e.runId === r.runId && e.stream === 'tool' && e.data.phase === 'update',
    )!;
    expect(referenceErrors('AgentEvent', update)).toBe('');
  });

  it("a node's picture goes to the media store and, for a vision model, to the model with the result — never into the history", async () => {
    // A 1x1 JPEG is enough: what matters is that the same bytes reach the model.
    const jpeg = Buffer.from(
      '/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRofHh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAAAAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==',
      'base64',
    );
    const { op, h, fake, events } = await setup(
      toolThenAnswer(
        [[{ id: 'call_snap', name: 'nodes', arguments: { action: 'invoke', command: 'camera.snap' } }]],
        () => 'a picture',
      ),
      { openai: { vision: true } },
    );
    await startNode(h, op, ['camera.snap'], () => ({
      format: 'jpg',
      base64: jpeg.toString('base64'),
      width: 1,
      height: 1,
    }));
    const r = await op.request('agent', {
      message: 'take a picture',
      sessionKey: 'tools-pic',
      idempotencyKey: 'tpic',
    });
    expect(await op.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 })).toMatchObject({
      status: 'ok',
    });

    // The model's second request: the tool result's JSON text and the picture as a data URL.
    const tool = fake.requests[1]!.messages.find((m) => m.role === 'tool')!;
    expect(Array.isArray(tool.content)).toBe(true);
    const parts = tool.content as Exclude<typeof tool.content, string | null>;
    expect(parts[0]).toMatchObject({ type: 'text' });
    expect(JSON.parse((parts[0] as { text: string }).text)).toMatchObject({
      command: 'camera.snap',
      result: { format: 'jpg', width: 1, height: 1, bytes: jpeg.length, mediaId: expect.any(String) },
    });
    expect(parts[1]).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/jpeg;base64,${jpeg.toString('base64')}` },
    });

    // The history has the facts and the media id, not the bytes; the stream said a picture was taken.
    const history = await op.request('chat.history', { sessionKey: 'tools-pic' });
    const stored = history.messages.find((m) => m.role === 'toolResult')!;
    expect(stored.text).not.toContain(jpeg.toString('base64').slice(0, 40));
    const mediaId = (JSON.parse(stored.text) as { result: { mediaId: string } }).result.mediaId;
    expect(mediaId).toBeTruthy();
    const update = events.find(
      (e) => e.runId === r.runId && e.stream === 'tool' && e.data.phase === 'update',
    );
    expect(update?.data).toMatchObject({
      name: 'nodes',
      toolCallId: 'call_snap',
      partialResult: { content: [{ type: 'text', text: `picture taken: 1x1 jpg, ${jpeg.length} bytes` }] },
    });
  });

  it('system.run waits for an operator: approved it runs, denied the model is told why', async () => {
    const { h, op, events, fake } = await setup(
      toolThenAnswer(
        [
          [
            {
              name: 'nodes',
              arguments: { action: 'invoke', command: 'system.run', params: { argv: ['uname', '-a'] } },
            },
          ],
        ],
        (req) => {
          const last = req.messages.at(-1)!;
          return messageText(last).includes('denied') ? 'I was not allowed to run it.' : 'It ran.';
        },
      ),
    );
    const snap = await op.request('exec.approvals.get', {});
    await op.request('exec.approvals.set', {
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      baseHash: snap.hash,
    });
    const node = await startNode(h, op, ['system.run'], () => ({ exitCode: 0, stdout: 'Linux' }));
    const requested: EventPayload<'exec.approval.requested'>[] = [];
    op.on('exec.approval.requested', (a) => requested.push(a));

    const a = await op.request('agent', { message: 'run uname', sessionKey: 'run-1', idempotencyKey: 'r1' });
    const first = await eventually(() => requested[0]);
    expect(first).toMatchObject({ commandArgv: ['uname', '-a'], nodeId: node.nodeId, sessionKey: 'run-1' });
    // Nothing reached the node while the approval is pending.
    expect(node.seen).toHaveLength(0);
    await op.request('exec.approval.resolve', { id: first.id, decision: 'allow-once' });
    expect(await op.request('agent.wait', { runId: a.runId, timeoutMs: 10_000 })).toMatchObject({
      status: 'ok',
      output: 'It ran.',
    });
    expect(node.seen).toHaveLength(1);
    expect(JSON.parse(node.seen[0]!.paramsJSON ?? '{}')).toMatchObject({
      argv: ['uname', '-a'],
      approval: { id: first.id, decision: 'allow-once' },
    });

    const b = await op.request('agent', {
      message: 'run uname again',
      sessionKey: 'run-2',
      idempotencyKey: 'r2',
    });
    const second = await eventually(() => requested[1]);
    await op.request('exec.approval.resolve', { id: second.id, decision: 'deny' });
    expect(await op.request('agent.wait', { runId: b.runId, timeoutMs: 10_000 })).toMatchObject({
      status: 'ok',
      output: 'I was not allowed to run it.',
    });
    expect(node.seen).toHaveLength(1);
    const denied = events.find(
      (e) => e.runId === b.runId && e.stream === 'tool' && e.data.phase === 'result',
    );
    expect(denied?.data).toMatchObject({ isError: true });
    expect(String(denied?.data.result)).toMatch(/denied/);
    expect(fake.requests.at(-1)!.messages.at(-1)!.content).toMatch(/operator denied/);
  });

  it('an abort while a tool call waits (for a system.run approval) ends the turn at once; the call gets no result', async () => {
    const { h, op, fake } = await setup(
      toolThenAnswer(
        [
          [
            {
              name: 'nodes',
              arguments: { action: 'invoke', command: 'system.run', params: { argv: ['true'] } },
            },
          ],
        ],
        () => 'It ran.',
      ),
    );
    const snap = await op.request('exec.approvals.get', {});
    await op.request('exec.approvals.set', {
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      baseHash: snap.hash,
    });
    const node = await startNode(h, op, ['system.run'], () => ({ exitCode: 0 }));
    const requested: EventPayload<'exec.approval.requested'>[] = [];
    op.on('exec.approval.requested', (a) => requested.push(a));
    const a = await op.request('agent', { message: 'run it', sessionKey: 'abort-1', idempotencyKey: 'ab1' });
    await eventually(() => requested[0]);
    await op.request('chat.abort', { sessionKey: 'abort-1', runId: a.runId });
    // Ended without waiting for the operator (the approval is still pending).
    expect(await op.request('agent.wait', { runId: a.runId, timeoutMs: 5000 })).toMatchObject({
      status: 'aborted',
    });
    const history = await op.request('chat.history', { sessionKey: 'abort-1' });
    expect(history.messages.filter((m) => m.role === 'toolResult')).toEqual([]);
    expect(node.seen).toHaveLength(0);
    expect(fake.requests).toHaveLength(1);
  });

  it('a tool call is held to the scopes of whoever started the turn, and to agent.tools.allow/deny', async () => {
    const { h, fake } = await setup(
      toolThenAnswer(
        [[{ name: 'cron', arguments: { action: 'add', message: 'ping', everyMs: 60_000 } }]],
        (req) => String(req.messages.at(-1)!.content),
      ),
      { tools: { deny: ['canvas'] } },
    );
    const writer = await h.operator({ scopes: ['operator.read', 'operator.write'] });
    const r = await writer.request('agent', {
      message: 'schedule a ping',
      sessionKey: 's-1',
      idempotencyKey: 's1',
    });
    const done = await writer.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 });
    expect(done.output).toMatch(/^MISSING_SCOPE: this turn may not cron\.add \(needs operator\.admin\)/);
    expect((await h.core.cron.list()).length).toBe(0);
    expect(fake.requests[0]!.tools?.map((t) => t.function.name)).not.toContain('canvas');

    // An admin's turn may.
    const admin = await h.operator();
    const r2 = await admin.request('agent', {
      message: 'schedule a ping',
      sessionKey: 's-2',
      idempotencyKey: 's2',
    });
    await admin.request('agent.wait', { runId: r2.runId, timeoutMs: 10_000 });
    const jobs = await h.core.cron.list();
    expect(jobs).toHaveLength(1);
    expect(jobs[0]).toMatchObject({ action: { kind: 'agent', message: 'ping', sessionKey: 's-2' } });
  });

  it('a turn no operator started (a cron job) has the unattended scopes, reads only its own session, messages only its own chat', async () => {
    const { h, fake, events } = await setup(
      toolThenAnswer(
        [
          [
            { id: 'c_list', name: 'sessions', arguments: { action: 'list' } },
            { id: 'c_own', name: 'sessions', arguments: { action: 'history' } },
            {
              id: 'c_send',
              name: 'message',
              arguments: { action: 'send', text: 'hi', channel: 'telegram', to: '42' },
            },
            { id: 'c_cron', name: 'cron', arguments: { action: 'add', message: 'again', everyMs: 60_000 } },
          ],
        ],
        () => 'done',
      ),
    );
    const job = await h.core.cron.add({
      name: 'peek',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'look around', sessionKey: 'cron-own' },
    });
    const resultsOf = async (n: number) => {
      await h.core.cron.runNow(job.id);
      const runId = await eventually(
        () => events.filter((e) => e.data.phase === 'start' && e.data.sessionKey === 'cron-own')[n]?.runId,
      );
      await eventually(() => events.some((e) => e.runId === runId && e.data.phase === 'end'));
      return Object.fromEntries(
        events
          .filter((e) => e.runId === runId && e.stream === 'tool' && e.data.phase === 'result')
          .map((e) => [e.data.toolCallId, e.data]),
      );
    };
    const first = await resultsOf(0);
    expect(first.c_list).toMatchObject({
      isError: true,
      result: 'FORBIDDEN: a turn no operator started reads only its own session',
    });
    expect(first.c_own).toMatchObject({ isError: false, result: { sessionKey: 'cron-own' } });
    expect(first.c_send).toMatchObject({
      isError: true,
      result: 'FORBIDDEN: a turn no operator started messages only the chat it answers',
    });
    // The default unattended scopes are read and write: no admin (cron.add).
    expect(first.c_cron).toMatchObject({
      isError: true,
      result: 'MISSING_SCOPE: this turn may not cron.add (needs operator.admin)',
    });
    // Narrowed to read, a send is refused by its scope.
    await h.core.config.patch(JSON.stringify({ agent: { tools: { unattendedScopes: ['operator.read'] } } }));
    const second = await resultsOf(1);
    expect(second.c_send).toMatchObject({
      isError: true,
      result: 'MISSING_SCOPE: this turn may not send (needs operator.write)',
    });
    expect(second.c_own).toMatchObject({ isError: false });
    expect(fake.requests).toHaveLength(4);
    expect(await h.core.cron.list()).toHaveLength(1);
  });

  it('invalid tool input goes back to the model as an error; a turn past agent.maxSteps ends with an error', async () => {
    const { op, events } = await setup(
      () => ({ toolCalls: [{ name: 'nodes', arguments: { action: 'explode' } }] }),
      { maxSteps: 2 },
    );
    const r = await op.request('agent', { message: 'loop forever', sessionKey: 'm-1', idempotencyKey: 'm1' });
    const done = await op.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 });
    expect(done).toMatchObject({
      status: 'error',
      error: 'the turn made 2 model calls without answering (agent.maxSteps)',
    });
    const results = events.filter(
      (e) => e.runId === r.runId && e.stream === 'tool' && e.data.phase === 'result',
    );
    expect(results).toHaveLength(2);
    expect(results[0]!.data).toMatchObject({ isError: true });
    expect(String(results[0]!.data.result)).toMatch(/^invalid input at \/action/);
  });
});

describe('the final answer of agent reports the tool calls (issue 19)', () => {
  it('meta.toolSummary counts the calls, names the tools once each and counts the failures', async () => {
    const tools = toolThenAnswer(
      [
        [
          { id: 'c1', name: 'cron', arguments: { action: 'list' } },
          { id: 'c2', name: 'nodes', arguments: { action: 'explode' } },
        ],
        [{ id: 'c3', name: 'cron', arguments: { action: 'list' } }],
      ],
      () => 'done',
    );
    const { op } = await setup((req) =>
      messageText(req.messages.at(-1)!) === 'again' ? { text: ['just text'] } : tools(req),
    );
    const final = await op.requestFinal(
      'agent',
      { message: 'look', sessionKey: 'sum-1', idempotencyKey: 's1' },
      { timeoutMs: 10_000 },
    );
    expect(final.status).toBe('ok');
    expect(final.result.meta.toolSummary).toEqual({ calls: 3, tools: ['cron', 'nodes'], failures: 1 });
    // A turn without tool calls has none.
    const plain = await op.requestFinal(
      'agent',
      { message: 'again', sessionKey: 'sum-2', idempotencyKey: 's2' },
      { timeoutMs: 10_000 },
    );
    expect(plain.result.meta.toolSummary).toBeUndefined();
  });
});

describe('models by name, per session, with failover (issue 19)', () => {
  it('a 429 from the first model fails over to the next; a 401 does not', async () => {
    const { fake, op, events } = await setup(() => ({ text: ['fine ', 'here'] }), {
      fallbacks: ['openai-compatible/backup-model'],
    });
    fake.failNext({ method: 'chat.completions', status: 429, retryAfter: 1, description: 'slow down' });
    const r = await op.request('agent', { message: 'hi', sessionKey: 'f-1', idempotencyKey: 'f1' });
    expect(await op.request('agent.wait', { runId: r.runId, timeoutMs: 10_000 })).toMatchObject({
      status: 'ok',
      output: 'fine here',
    });
    expect(fake.requests.map((q) => q.model)).toEqual(['test-model', 'backup-model']);
    expect(events.find((e) => e.runId === r.runId && e.data.phase === 'fallback')?.data).toMatchObject({
      from: 'openai-compatible/test-model',
      to: 'openai-compatible/backup-model',
      error: 'the model server is rate limiting (429): slow down',
    });

    fake.failNext({ method: 'chat.completions', status: 401, description: 'bad key' });
    const r2 = await op.request('agent', { message: 'hi', sessionKey: 'f-2', idempotencyKey: 'f2' });
    expect(await op.request('agent.wait', { runId: r2.runId, timeoutMs: 10_000 })).toMatchObject({
      status: 'error',
      error: 'the model server rejected the API key (401): bad key',
    });
    expect(fake.requests).toHaveLength(3);
  });

  it('sessions.patch {model} chooses the model of one session; null goes back to the default', async () => {
    const { fake, op } = await setup(() => ({ text: ['ok'] }));
    const run = async (key: string, id: string) =>
      op.request('agent.wait', {
        runId: (await op.request('agent', { message: 'hi', sessionKey: key, idempotencyKey: id })).runId,
        timeoutMs: 10_000,
      });
    await run('p-1', 'p1');
    await op.request('sessions.patch', { key: 'p-1', model: 'openai-compatible/special' });
    await run('p-1', 'p2');
    await run('p-2', 'p3');
    await op.request('sessions.patch', { key: 'p-1', model: null });
    await run('p-1', 'p4');
    expect(fake.requests.map((q) => q.model)).toEqual(['test-model', 'special', 'test-model', 'test-model']);
    const bad = (await op
      .request('sessions.patch', { key: 'p-1', model: 'no-slash' })
      .catch((e: unknown) => e)) as GatewayRequestError;
    expect(bad.detailCode).toBe('PARAMS_INVALID');
    const models = await op.request('models.list', {});
    expect(models.models[0]).toMatchObject({
      provider: 'openai-compatible',
      id: 'test-model',
      tags: ['default'],
    });
  });
});

describe('a turn cut short by a restart (issue 19)', () => {
  it('resumes from its last stored step: a completed tool call is not run again, the pending one runs once', async () => {
    const fake = await FakeOpenAi.start({
      script: (req) => ({
        text: [`resumed after ${req.messages.filter((m) => m.role === 'tool').length} results`],
      }),
    });
    cleanup.push(() => fake.close());
    const dir = await mkdtemp(join(tmpdir(), 'oc-resume-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    // What a process killed between two tool calls of one step leaves behind: the prompt, the
    // step with both calls, the first call's result (its job exists), and the run still running.
    const store = createSqliteStore({ path: join(dir, 'gateway.db') });
    await store.sessions.ensure({ key: 'r', kind: 'webchat', createdAtMs: 1 });
    const prompt = await store.sessions.append({
      sessionKey: 'r',
      id: 'm1',
      role: 'user',
      text: 'two jobs',
      ts: 1,
    });
    const calls = [
      { id: 'call_a', name: 'cron', args: { action: 'add', name: 'a', message: 'job a', everyMs: 60_000 } },
      { id: 'call_b', name: 'cron', args: { action: 'add', name: 'b', message: 'job b', everyMs: 60_000 } },
    ];
    await store.sessions.append({
      sessionKey: 'r',
      id: 'm2',
      role: 'assistant',
      text: '',
      ts: 2,
      runId: 'run-x',
      status: 'complete',
      toolCalls: calls,
    });
    await store.sessions.append({
      sessionKey: 'r',
      id: 'm3',
      role: 'toolResult',
      text: JSON.stringify({ jobId: 'job-a' }),
      ts: 3,
      runId: 'run-x',
      status: 'complete',
      toolCallId: 'call_a',
      toolName: 'cron',
      isError: false,
    });
    await store.runs.create({
      runId: 'run-x',
      sessionKey: 'r',
      source: 'agent',
      status: 'running',
      message: 'two jobs',
      scopes: ['operator.admin'],
      startSeq: prompt.seq,
      createdAtMs: 1,
      startedAtMs: 2,
    });
    await store.close();

    const core = await cronCore(dir, { model: { baseUrl: fake.baseUrl, name: 'test-model' } });
    cleanup.push(() => core.close());
    await core.start();
    expect(await core.sessions.wait('run-x', 10_000)).toMatchObject({
      status: 'ok',
      output: 'resumed after 2 results',
    });
    // Only the call without a result ran, with its original id.
    const jobs = await core.cron.list();
    expect(jobs.map((j) => j.name)).toEqual(['b']);
    // The model got the prompt, the step and both results, as if nothing had happened.
    const msgs = fake.requests[0]!.messages;
    expect(msgs.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(msgs[1]!.tool_calls?.map((c) => c.id)).toEqual(['call_a', 'call_b']);
    const h = await core.sessions.history('r', 10);
    expect(h.messages.map((m) => [m.role, m.toolCallId ?? ''])).toEqual([
      ['user', ''],
      ['assistant', ''],
      ['toolResult', 'call_a'],
      ['toolResult', 'call_b'],
      ['assistant', ''],
    ]);
    const run = await core.store.runs.get('run-x');
    expect(run?.resumes).toBe(1);
  });
});

describe('context within a budget, compaction (issue 19)', () => {
  /** About 240 tokens by the four-characters estimate. */
  const LONG = 'long answer '.repeat(80);
  /** The fake summarises when asked to compact; otherwise it answers with a long reply. */
  const summarising = (req: ChatRequest): ScriptedTurn => {
    const sys = req.messages.find((m) => m.role === 'system');
    const system = sys ? messageText(sys) : '';
    if (system.startsWith('You compact a conversation')) {
      const seen = messageText(req.messages.at(-1)!);
      return { text: [`SUMMARY of ${(seen.match(/^user: /gm) ?? []).length} user turns`] };
    }
    return { text: [LONG] };
  };

  it('history that outgrows the window is compacted into a stored summary the next turns carry', async () => {
    const { fake, op, events } = await setup(summarising, { contextTokens: 1000, tools: { allow: [] } });
    const turn = async (i: number) =>
      op.request('agent.wait', {
        runId: (
          await op.request('agent', { message: `question ${i}`, sessionKey: 'c-1', idempotencyKey: `c${i}` })
        ).runId,
        timeoutMs: 10_000,
      });
    for (let i = 1; i <= 6; i++) expect((await turn(i)).status).toBe('ok');
    const compactions = fake.requests.filter((r) =>
      messageText(r.messages[0]!).startsWith('You compact a conversation'),
    );
    expect(compactions.length).toBeGreaterThanOrEqual(1);
    expect(events.some((e) => e.stream === 'lifecycle' && e.data.phase === 'compaction')).toBe(true);
    // The last turn's request: the summary in the system prompt, only the newest turns after it.
    const last = fake.requests.at(-1)!;
    expect(last.messages[0]).toMatchObject({ role: 'system' });
    expect(last.messages[0]!.content).toMatch(
      /^Summary of the earlier conversation:\nSUMMARY of \d+ user turns/,
    );
    expect(last.messages.some((m) => m.content === 'question 1')).toBe(false);
    expect(last.messages.at(-1)).toMatchObject({ role: 'user', content: 'question 6' });
    const chars = last.messages.reduce((n, m) => n + messageText(m).length, 0);
    expect(chars / 4).toBeLessThanOrEqual(750);
    // The transcript itself is untouched.
    const history = await op.request('chat.history', { sessionKey: 'c-1' });
    expect(history.messages).toHaveLength(12);
  });

  it('sessions.compact without maxLines keeps the newest messages within agent.compaction.keepRecentTokens', async () => {
    const { op } = await setup(summarising, { compaction: { keepRecentTokens: 300 }, tools: { allow: [] } });
    for (let i = 1; i <= 3; i++)
      await op.request('agent.wait', {
        runId: (await op.request('agent', { message: `q${i}`, sessionKey: 'c-3', idempotencyKey: `t${i}` }))
          .runId,
        timeoutMs: 10_000,
      });
    // About 244 tokens an answer, 5 a question: the newest answer, q3 and the answer before reach 300.
    const r = await op.request('sessions.compact', { key: 'c-3' });
    expect(r).toMatchObject({ removedMessages: 3, keptMessages: 3, summarized: true });
    const history = await op.request('chat.history', { sessionKey: 'c-3' });
    expect(history.messages.map((m) => (m as { role: string }).role)).toEqual([
      'assistant',
      'user',
      'assistant',
    ]);
  });

  it('sessions.compact summarises what it removes; the next turn carries the summary', async () => {
    const { fake, op } = await setup(summarising, { tools: { allow: [] } });
    for (let i = 1; i <= 3; i++)
      await op.request('agent.wait', {
        runId: (await op.request('agent', { message: `q${i}`, sessionKey: 'c-2', idempotencyKey: `q${i}` }))
          .runId,
        timeoutMs: 10_000,
      });
    const r = await op.request('sessions.compact', { key: 'c-2', maxLines: 2 });
    expect(r).toMatchObject({ removedMessages: 4, keptMessages: 2, summarized: true });
    expect(fake.requests.at(-1)!.messages.at(-1)!.content).toMatch(/^Conversation:\nuser: q1\n/);
    await op.request('agent.wait', {
      runId: (await op.request('agent', { message: 'q4', sessionKey: 'c-2', idempotencyKey: 'q4' })).runId,
      timeoutMs: 10_000,
    });
    const last = fake.requests.at(-1)!.messages;
    expect(last[0]!.content).toBe('Summary of the earlier conversation:\nSUMMARY of 2 user turns');
    expect(last.slice(1).map((m) => m.content)).toEqual(['q3', LONG, 'q4']);
    // A reset forgets the summary too.
    await op.request('sessions.reset', { key: 'c-2' });
    await op.request('agent.wait', {
      runId: (await op.request('agent', { message: 'q5', sessionKey: 'c-2', idempotencyKey: 'q5' })).runId,
      timeoutMs: 10_000,
    });
    expect(fake.requests.at(-1)!.messages.map((m) => m.content)).toEqual(['q5']);
  });
});
