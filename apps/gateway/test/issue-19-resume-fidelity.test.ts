// A turn resumed after a kill -9 goes on as the uninterrupted turn would have: the picture a
// completed tool call showed the model is shown again (from the media store) and still goes out
// with the answer, and a system.run
// that was waiting for an operator waits on the same approval (same id, same expiry) instead of
// asking again; the operator decides it from the CLI of the restarted gateway.
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type EventPayload,
  GatewayClient,
  generateDeviceIdentity,
  type WebSocketConstructor,
} from '@openclaw/protocol';
import { type ChatRequest, messageText, type ScriptedTurn, samplePng, waitFor } from '@openclaw/test-fakes';
import {
  type CleanupList,
  eventually,
  type GatewayProcess,
  runCleanup,
  runCli,
  scriptedGateway,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';

describe('a resumed turn goes on as the uninterrupted one would have (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  function setup(script: (req: ChatRequest) => ScriptedTurn, vision = false) {
    return scriptedGateway(cleanup, {
      model: { script },
      openai: { vision },
      scopes: ['operator.admin', 'operator.approvals'],
    });
  }

  /** Kill the gateway (kill -9) while the model call it made last is held, then let that call go. */
  async function kill(gw: GatewayProcess, release: () => void): Promise<void> {
    gw.child.kill('SIGKILL');
    await gw.waitForExit();
    release();
  }

  it('a picture a completed tool call took goes to the model again, from the media store, after a kill -9', async () => {
    const png = samplePng(7, 16);
    const node = await generateDeviceIdentity();
    const SNAP = {
      id: 'call_snap',
      name: 'canvas',
      arguments: { action: 'snapshot', nodeId: node.deviceId },
    };
    const { fake, token, start, operator } = await setup(
      (req) =>
        req.messages.some((m) => m.role === 'tool') ? { text: ['a small square'] } : { toolCalls: [SNAP] },
      true,
    );
    const first = await start();
    const op = await operator(first);
    // A canvas node whose snapshot is a PNG.
    const cam = new GatewayClient({
      url: first.url,
      WebSocket: WebSocket as unknown as WebSocketConstructor,
      client: { id: 'node-host', version: '1.0.0', platform: 'linux', mode: 'node' },
      role: 'node',
      identity: node,
      auth: { token },
      caps: ['canvas'],
      commands: ['canvas.snapshot'],
      reconnect: false,
    });
    cleanup.push(() => cam.close());
    let snaps = 0;
    cam.on('node.invoke.request', (req) => {
      snaps++;
      void cam.request('node.invoke.result', {
        id: req.id,
        nodeId: req.nodeId,
        ok: true,
        payload: { format: 'png', base64: png.toString('base64'), width: 16, height: 16 },
      });
    });
    await cam.connect();
    const pairing = await eventually(
      async () => (await op.request('node.pair.list', {})).pending.find((p) => p.nodeId === node.deviceId),
      10_000,
      'the node’s pairing request',
    );
    await op.request('node.pair.approve', { requestId: pairing.requestId });
    await eventually(
      async () =>
        (await op.request('node.list', {})).nodes.find((n) => n.nodeId === node.deviceId && n.connected),
      10_000,
      'the node connected and approved',
    );

    // The model call after the snapshot (the one carrying the picture) hangs until the kill.
    const release = fake.hold(2);
    const r = await op.request('agent', {
      message: 'what do you see',
      sessionKey: 'pic-1',
      idempotencyKey: 'pic1',
    });
    const [, cut] = await fake.waitForRequests(2, 30_000);
    await kill(first, release);
    await cam.close();

    const second = await start();
    const op2 = await operator(second);
    const done = await op2.request(
      'agent.wait',
      { runId: r.runId, timeoutMs: 30_000 },
      { timeoutMs: 35_000 },
    );
    expect(done).toMatchObject({ status: 'ok', output: 'a small square' });
    await waitFor(() => fake.requests.length === 3, 5000, 'the resumed model call');
    expect(snaps).toBe(1);
    // The request cut off by the kill is what the uninterrupted turn sent: the tool result with the picture.
    const tool = cut!.messages.find((m) => m.role === 'tool');
    const parts = Array.isArray(tool?.content) ? tool.content : [];
    const image = parts.find((p) => p.type === 'image_url');
    expect(image).toEqual({
      type: 'image_url',
      image_url: { url: `data:image/png;base64,${png.toString('base64')}` },
    });
    expect(JSON.parse(messageText(tool!))).toMatchObject({
      action: 'snapshot',
      result: { format: 'png', width: 16, height: 16, bytes: png.length, attached: true },
    });
    // The resumed turn sends exactly that again: the stored call, its result and the same picture.
    expect(fake.requests[2]!.messages).toEqual(cut!.messages);
    expect(second.output()).toContain('resuming a run a restart cut short');
    // The snapshot still goes out with the answer, as it would have without the kill.
    const history = await op2.request('chat.history', { sessionKey: 'pic-1' });
    const answer = history.messages.at(-1)!;
    expect(answer).toMatchObject({ role: 'assistant', text: 'a small square' });
    expect(answer.media).toHaveLength(1);
    expect(answer.media![0]).toMatchObject({ kind: 'image', mimeType: 'image/png', size: png.length });
    const picture = await fetch(new URL(answer.media![0]!.url!, second.url.replace(/^ws/, 'http')), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(Buffer.from(await picture.arrayBuffer()).equals(png)).toBe(true);
  }, 90_000);

  it('a system.run waiting for approval waits on the same request after a kill -9, and the CLI decides it', async () => {
    const RUN = {
      id: 'call_run',
      name: 'nodes',
      arguments: { action: 'invoke', nodeId: 'node-1', command: 'system.run', params: { command: ['true'] } },
    };
    const { fake, start, operator } = await setup((req) => {
      const tool = req.messages.find((m) => m.role === 'tool');
      return tool ? { text: [`the run: ${messageText(tool)}`] } : { toolCalls: [RUN] };
    });
    const first = await start();
    const op = await operator(first);
    const snap = await op.request('exec.approvals.get', {});
    await op.request('exec.approvals.set', {
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      baseHash: snap.hash,
    });
    const r = await op.request('agent', {
      message: 'run true',
      sessionKey: 'appr-1',
      idempotencyKey: 'appr1',
    });
    const asked = await eventually(
      async () => (await op.request('exec.approval.list', {}))[0],
      30_000,
      'the approval the turn asks for',
    );
    expect(asked).toMatchObject({
      status: 'pending',
      commandArgv: ['true'],
      requestedBy: `agent:${r.runId}`,
    });
    await kill(first, () => {});

    const second = await start();
    const op2 = await operator(second);
    const requested: EventPayload<'exec.approval.requested'>[] = [];
    op2.on('exec.approval.requested', (e) => requested.push(e));
    // The run resumes as the gateway starts (before anyone is connected to see its events).
    await waitFor(
      () => second.output().includes('resuming a run a restart cut short'),
      30_000,
      'the run to resume',
    );
    // The one request listed is the one made before the kill (same id, same expiry): nothing new.
    const cliEnv = second.cliEnv(await mkdtemp(join(second.stateDir, 'cli-')));
    const pending = await runCli(['approvals', 'pending', '--json'], cliEnv);
    expect(pending.code).toBe(0);
    expect((JSON.parse(pending.stdout) as { approvals: unknown[] }).approvals).toEqual([asked]);
    const denied = await runCli(['approvals', 'resolve', asked.id, 'deny'], cliEnv);
    expect(denied.code).toBe(0);
    const done = await op2.request(
      'agent.wait',
      { runId: r.runId, timeoutMs: 30_000 },
      { timeoutMs: 35_000 },
    );
    expect(done).toMatchObject({ status: 'ok' });
    expect(done.output).toMatch(/^the run: SYSTEM_RUN_DENIED: an operator denied this run/);
    expect(await op2.request('exec.approval.get', { id: asked.id })).toMatchObject({
      status: 'resolved',
      decision: 'deny',
      expiresAtMs: asked.expiresAtMs,
    });

    // Marker: an operator's own request; once its event is here, no other request went out.
    const marker = await op2.request('exec.approval.request', { commandArgv: ['marker'], nodeId: 'node-1' });
    await waitFor(() => requested.some((e) => e.id === marker.id), 10_000, 'the marker request');
    expect(requested.map((e) => e.id)).toEqual([marker.id]);
    expect((await op2.request('exec.approval.list', {})).map((a) => a.id)).toEqual([marker.id]);
    expect(fake.requests.map((q) => q.messages.filter((m) => m.role === 'tool').length)).toEqual([0, 1]);
  }, 90_000);
});
