// The agent acting through real processes: a gateway started by its CLI, a real node-agent (with
// Chromium for the canvas), the CLI deciding approvals, and a fake OpenAI-compatible model that
// scripts tool calls in the real streaming wire format.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EventPayload, GatewayClient } from '@openclaw/protocol';
import { type ChatRequest, FakeOpenAi, messageText, type ScriptedTurn } from '@openclaw/test-fakes';
import { eventually, runCli } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { needs, requirement } from '../../../tooling/vitest/requirements.ts';
import { startWorld, type World } from './harness.ts';

const CHROMIUM = requirement('chromium').path ?? '/usr/bin/chromium';

const fakes: FakeOpenAi[] = [];
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
});

/** The i-th model call of a turn makes `calls[i]` when there is one; after that it answers. */
function script(calls: NonNullable<ScriptedTurn['toolCalls']>[], answer: (results: unknown[]) => string) {
  return (req: ChatRequest): ScriptedTurn => {
    const turn = req.messages.slice(req.messages.map((m) => m.role).lastIndexOf('user'));
    const step = turn.filter((m) => m.role === 'assistant').length;
    if (calls[step]) return { toolCalls: calls[step] };
    const results = turn.filter((m) => m.role === 'tool').map((m) => parsed(messageText(m)));
    return { text: answer(results).split(/(?<= )/) };
  };
}

/** A tool result as the model got it: JSON, or the error text of a failed call. */
function parsed(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

async function world(fake: FakeOpenAi, agent: Record<string, unknown> = {}): Promise<World> {
  return startWorld({
    agent: {
      backend: 'openai-compatible',
      openai: { baseUrl: fake.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY' },
      ...agent,
    },
  });
}

async function pairAgent(w: World, op: GatewayClient, options: Parameters<World['agent']>[0]) {
  const agent = await w.agent(options);
  await agent.waitFor(/connected to .* as node/);
  const pending = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
  await op.request('node.pair.approve', { requestId: pending.requestId });
  return pending.nodeId;
}

async function turn(op: GatewayClient, message: string, sessionKey: string) {
  const r = await op.request('agent', { message, sessionKey, idempotencyKey: `${sessionKey}-${message}` });
  return {
    runId: r.runId,
    done: op.request('agent.wait', { runId: r.runId, timeoutMs: 90_000 }, { timeoutMs: 95_000 }),
  };
}

describe('agent tools on a real canvas node', needs('chromium'), () => {
  it('a turn presents a canvas page and snapshots it in Chromium, and answers with what it saw', async () => {
    const fake = await FakeOpenAi.start({
      script: script(
        [
          [{ id: 'call_present', name: 'canvas', arguments: { action: 'present', path: 'hello.html' } }],
          [{ id: 'call_snap', name: 'canvas', arguments: { action: 'snapshot' } }],
        ],
        (results) => {
          const [present, snap] = results as [
            { result: { title: string } },
            { result: { format: string; width: number; height: number; bytes: number } },
          ];
          return `The canvas shows "${present.result.title}": a ${snap.result.width}x${snap.result.height} ${snap.result.format} of ${snap.result.bytes} bytes.`;
        },
      ),
    });
    fakes.push(fake);
    // A vision model: the snapshot itself goes back to it with the tool result.
    await using w = await world(fake, {
      openai: { baseUrl: fake.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY', vision: true },
    });
    const op = await w.operator();
    const nodeId = await pairAgent(w, op, { args: ['--chromium', CHROMIUM] });
    const canvasDir = join(w.dir, 'gateway', 'canvas');
    await mkdir(canvasDir, { recursive: true });
    await writeFile(
      join(canvasDir, 'hello.html'),
      '<!doctype html><html><head><title>Hello canvas</title></head><body><h1>drawn by the agent</h1></body></html>',
    );
    const tools: EventPayload<'agent'>[] = [];
    op.on('agent', (e) => {
      if (e.stream === 'tool') tools.push(e);
    });

    const t = await turn(op, 'show me the canvas', 'canvas-1');
    const done = await t.done;
    expect(done.status).toBe('ok');
    expect(done.output).toMatch(/^The canvas shows "Hello canvas": a \d+x\d+ png of \d+ bytes\.$/);
    const bytes = Number(/of (\d+) bytes/.exec(done.output ?? '')?.[1]);
    expect(bytes).toBeGreaterThan(1000);

    expect(tools.filter((e) => e.runId === t.runId).map((e) => [e.data.phase, e.data.toolCallId])).toEqual([
      ['start', 'call_present'],
      ['result', 'call_present'],
      ['start', 'call_snap'],
      ['update', 'call_snap'],
      ['result', 'call_snap'],
    ]);
    // The update says the picture was taken, in the reference's partialResult shape.
    const update = tools.find((e) => e.data.phase === 'update')!;
    expect(update.data).toMatchObject({
      name: 'canvas',
      partialResult: {
        content: [{ type: 'text', text: expect.stringMatching(/^picture taken: \d+x\d+ png, \d+ bytes$/) }],
        details: { format: 'png', bytes, attached: true, mediaId: expect.any(String) },
      },
    });
    // The model's next request carries the snapshot as an image part of the tool result.
    const after = fake.requests.at(-1)!;
    const toolMessage = after.messages.filter((m) => m.role === 'tool').at(-1)!;
    const image = Array.isArray(toolMessage.content)
      ? toolMessage.content.find((p) => p.type === 'image_url')
      : undefined;
    expect(image?.type).toBe('image_url');
    const url = image?.type === 'image_url' ? image.image_url.url : '';
    expect(url.startsWith('data:image/png;base64,')).toBe(true);
    const png = Buffer.from(url.slice('data:image/png;base64,'.length), 'base64');
    expect(png.length).toBe(bytes);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    const history = await op.request('chat.history', { sessionKey: 'canvas-1' });
    expect(history.messages.map((m) => m.role)).toEqual([
      'user',
      'assistant',
      'toolResult',
      'assistant',
      'toolResult',
      'assistant',
    ]);
    expect(JSON.parse(history.messages[2]!.text)).toMatchObject({
      nodeId,
      action: 'present',
      result: { status: 200, title: 'Hello canvas' },
    });
    // The history keeps the snapshot's facts and its media id, never the picture itself.
    const stored = history.messages[4]!.text;
    expect(JSON.parse(stored)).toMatchObject({
      action: 'snapshot',
      result: { bytes, mediaId: expect.any(String) },
    });
    expect(stored.length).toBeLessThan(1000);
  });
});

describe('agent tools through real processes', () => {
  it('a turn that calls system.run waits for approval: approved from the CLI it runs, denied it reports the denial', async () => {
    const fake = await FakeOpenAi.start({
      script: script(
        [
          [
            {
              name: 'nodes',
              arguments: { action: 'invoke', command: 'system.run', params: { argv: ['uname', '-s'] } },
            },
          ],
        ],
        (results) => {
          const r = results[0];
          return typeof r === 'object' && r !== null
            ? `uname said ${(r as { result: { stdout: string } }).result.stdout.trim()}`
            : `could not run it: ${String(r)}`;
        },
      ),
    });
    fakes.push(fake);
    await using w = await world(fake);
    const op = await w.operator();
    // The node's owner lets an operator-approved run through (ask: on-miss).
    await pairAgent(w, op, { allowlist: { commands: ['echo'], ask: 'on-miss' } });
    const before = await op.request('exec.approvals.get');
    await op.request('exec.approvals.set', {
      baseHash: before.hash,
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
    });
    const cliEnv = w.gateway.cliEnv(await mkdtemp(join(w.dir, 'cli-')));
    const updates: EventPayload<'agent'>[] = [];
    op.on('agent', (e) => {
      if (e.stream === 'tool' && e.data.phase !== 'start') updates.push(e);
    });

    const approved = await turn(op, 'what kernel is this', 'exec-1');
    const listed = await eventually(async () => {
      const r = await runCli(['approvals', 'pending', '--json'], cliEnv);
      const parsed = JSON.parse(r.stdout) as { approvals: { id: string; commandArgv: string[] }[] };
      return parsed.approvals[0];
    });
    expect(listed.commandArgv).toEqual(['uname', '-s']);
    const ok = await runCli(['approvals', 'resolve', listed.id, 'allow-once'], cliEnv);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('allow-once: uname -s');
    const done = await approved.done;
    expect(done).toMatchObject({ status: 'ok' });
    expect(done.output).toMatch(/^uname said Linux$/);
    // The tool stream said it was waiting for an operator, then that the run was approved.
    const first = updates.filter((e) => e.runId === approved.runId).map((e) => e.data);
    expect(
      first.map((d) => [d.phase, (d.partialResult as { details?: { status?: string } })?.details?.status]),
    ).toEqual([
      ['update', 'approval-pending'],
      ['update', 'approved'],
      ['result', undefined],
    ]);
    expect(first[0]).toMatchObject({
      name: 'nodes',
      partialResult: {
        content: [
          { type: 'text', text: `waiting for an operator to approve system.run (approval ${listed.id})` },
        ],
        details: { approvalId: listed.id, command: 'system.run' },
      },
    });
    expect(first[1]).toMatchObject({
      partialResult: { details: { approvalId: listed.id, decision: 'allow-once' } },
    });

    const refused = await turn(op, 'try again', 'exec-2');
    const second = await eventually(async () => {
      const r = await runCli(['approvals', 'pending', '--json'], cliEnv);
      return (JSON.parse(r.stdout) as { approvals: { id: string }[] }).approvals[0];
    });
    expect(second.id).not.toBe(listed.id);
    expect((await runCli(['approvals', 'resolve', second.id, 'deny'], cliEnv)).code).toBe(0);
    const denied = await refused.done;
    expect(denied.status).toBe('ok');
    expect(denied.output).toMatch(/^could not run it: SYSTEM_RUN_DENIED: an operator denied this run/);
    const denials = updates.filter((e) => e.runId === refused.runId).map((e) => e.data);
    expect(denials.map((d) => d.phase)).toEqual(['update', 'result']);
    expect(denials[1]).toMatchObject({ isError: true });
    const decided = await op.request('exec.approval.get', { id: second.id });
    expect(decided).toMatchObject({ status: 'resolved', decision: 'deny' });
  });

  it('a model answering 429 fails over to the next configured model', async () => {
    const fake = await FakeOpenAi.start({ reply: (req) => [`answered by ${req.model}`] });
    fakes.push(fake);
    await using w = await world(fake, { fallbacks: ['openai-compatible/backup-model'] });
    const op = await w.operator();
    fake.failNext({ method: 'chat.completions', status: 429, retryAfter: 1 });
    const t = await turn(op, 'hello', 'failover-1');
    expect(await t.done).toMatchObject({ status: 'ok', output: 'answered by backup-model' });
    expect(fake.requests.map((r) => r.model)).toEqual(['test-model', 'backup-model']);
  });
});
