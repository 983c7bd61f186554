import {
  type GatewayClient,
  type GatewayRequestError,
  generateDeviceIdentity,
  type NodeInvokeRequestEvent,
} from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const nodeClient = {
  id: 'node-host',
  version: '1.0.0',
  platform: 'linux',
  mode: 'node' as const,
  displayName: 'test node',
};

/** A node that answers invokes with `answer` (or not at all when it returns undefined). */
async function startNode(
  hh: Harness,
  commands: string[],
  answer: (req: NodeInvokeRequestEvent, node: GatewayClient) => unknown,
  identity?: Awaited<ReturnType<typeof generateDeviceIdentity>>,
) {
  const id = identity ?? (await generateDeviceIdentity());
  const node = await hh.client({
    identity: id,
    role: 'node',
    scopes: [],
    client: nodeClient,
    caps: ['system'],
    commands,
    permissions: { 'system.run': true },
  });
  const seen: NodeInvokeRequestEvent[] = [];
  node.on('node.invoke.request', (req) => {
    seen.push(req);
    const out = answer(req, node);
    if (out !== undefined) {
      void node.request('node.invoke.result', { id: req.id, nodeId: req.nodeId, ok: true, payload: out });
    }
  });
  await node.connect();
  return { node, id, seen };
}

async function approveLatest(admin: GatewayClient): Promise<string[]> {
  const list = await admin.request('node.pair.list');
  const req = list.pending.at(-1);
  if (!req) throw new Error('no pending node request');
  return (await admin.request('node.pair.approve', { requestId: req.requestId })).approvedCommands;
}

describe('nodes', () => {
  it('announces a new node, waits for approval of what it declared, then invokes', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const requested: unknown[] = [];
    admin.on('node.pair.requested', (p) => requested.push(p));
    const { id, seen } = await startNode(h, ['system.which', 'canvas.navigate'], (req) => ({
      echo: JSON.parse(req.paramsJSON ?? 'null'),
    }));
    await eventually(() => requested.length === 1);
    expect((requested[0] as { newCommands: string[] }).newCommands).toEqual([
      'canvas.navigate',
      'system.which',
    ]);
    const before = await admin.request('node.describe', { nodeId: id.deviceId });
    expect(before.approval).toBe('pending');
    expect(before.connected).toBe(true);
    const notYet = (await admin
      .request('node.invoke', { nodeId: id.deviceId, command: 'system.which', params: {} })
      .catch((e: unknown) => e)) as GatewayRequestError;
    expect(notYet.detailCode).toBe('NODE_NOT_READY');

    expect(await approveLatest(admin)).toEqual(['canvas.navigate', 'system.which']);
    const r = await admin.request('node.invoke', {
      nodeId: id.deviceId,
      command: 'system.which',
      params: { name: 'ls' },
    });
    expect(r).toMatchObject({
      ok: true,
      nodeId: id.deviceId,
      command: 'system.which',
      payload: { echo: { name: 'ls' } },
    });
    expect(seen).toHaveLength(1);
    expect(referenceErrors('NodeInvokeRequestEvent', seen[0])).toBe('');
    const list = await admin.request('node.list');
    expect(list.nodes.find((n) => n.nodeId === id.deviceId)).toMatchObject({
      approval: 'approved',
      connected: true,
    });
  });

  it('only forwards approved commands; the deny list wins even over an approval', async () => {
    h = await startHarness({ config: { nodes: { denyCommands: ['system.run'] } } });
    const admin = await h.operator();
    const { id, seen } = await startNode(h, ['system.which', 'system.run', 'camera.snap'], () => ({
      ran: true,
    }));
    await eventually(async () => (await admin.request('node.pair.list')).pending.length === 1);
    const approved = await approveLatest(admin);
    expect(approved).not.toContain('system.run');
    for (const command of ['system.run', 'not.declared']) {
      const e = (await admin
        .request('node.invoke', { nodeId: id.deviceId, command })
        .catch((x: unknown) => x)) as GatewayRequestError;
      expect(e.code).toBe('FORBIDDEN');
      expect(e.detailCode).toBe('NODE_COMMAND_NOT_ALLOWED');
    }
    expect(seen).toHaveLength(0);
    const d = await admin.request('node.describe', { nodeId: id.deviceId });
    expect(d.deniedCommands).toEqual(['system.run']);
  });

  it('a node coming back with more commands gets a new pending request; the extra command waits for approval', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const identity = await generateDeviceIdentity();
    const first = await startNode(h, ['system.which'], () => ({ ok: 1 }), identity);
    await eventually(async () => (await admin.request('node.pair.list')).pending.length === 1);
    await approveLatest(admin);
    await first.node.close();
    const second = await startNode(h, ['system.which', 'canvas.snapshot'], () => ({ ok: 2 }), identity);
    const pending = await eventually(async () =>
      (await admin.request('node.pair.list')).pending.find((p) => p.nodeId === identity.deviceId),
    );
    expect(pending.isRepair).toBe(true);
    expect(pending.newCommands).toEqual(['canvas.snapshot']);
    const e = (await admin
      .request('node.invoke', { nodeId: identity.deviceId, command: 'canvas.snapshot' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.detailCode).toBe('NODE_COMMAND_NOT_ALLOWED');
    expect(
      (await admin.request('node.invoke', { nodeId: identity.deviceId, command: 'system.which' })).payload,
    ).toEqual({ ok: 2 });
    await admin.request('node.pair.approve', { requestId: pending.requestId });
    expect(
      (await admin.request('node.invoke', { nodeId: identity.deviceId, command: 'canvas.snapshot' })).payload,
    ).toEqual({ ok: 2 });
    expect(second.seen.map((s) => s.command)).toEqual(['system.which', 'canvas.snapshot']);
  });

  it('times out at the deadline, and a late answer is recorded, not dropped', async () => {
    h = await startHarness();
    const admin = await h.operator();
    let held: NodeInvokeRequestEvent | undefined;
    const { node, id } = await startNode(h, ['slow.op'], (req) => {
      held = req;
      return undefined;
    });
    await eventually(async () => (await admin.request('node.pair.list')).pending.length === 1);
    await approveLatest(admin);
    const t0 = Date.now();
    const e = (await admin
      .request('node.invoke', { nodeId: id.deviceId, command: 'slow.op', timeoutMs: 150 })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('TIMEOUT');
    expect(e.detailCode).toBe('NODE_INVOKE_TIMEOUT');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(140);
    expect(Date.now() - t0).toBeLessThan(2000);
    const ack = await node.request('node.invoke.result', {
      id: held!.id,
      nodeId: id.deviceId,
      ok: true,
      payload: 'finally',
    });
    expect(ack.late).toBe(true);
    const audit = await admin.request('security.audit.list', { action: 'node.invoke.late_result' });
    expect(audit.entries[0]?.target).toBe(held!.id);
  });

  it('fails an invoke at once when the node disconnects', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const { node, id } = await startNode(h, ['slow.op'], (_req, n) => {
      void n.close();
      return undefined;
    });
    await eventually(async () => (await admin.request('node.pair.list')).pending.length === 1);
    await approveLatest(admin);
    const e = (await admin
      .request('node.invoke', { nodeId: id.deviceId, command: 'slow.op', timeoutMs: 10_000 })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('UNAVAILABLE');
    expect(e.detailCode).toBe('NODE_DISCONNECTED');
    void node;
    const again = (await admin
      .request('node.invoke', { nodeId: id.deviceId, command: 'slow.op' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(again.detailCode).toBe('NODE_NOT_CONNECTED');
  });

  it('runs an invoke once per idempotency key', async () => {
    h = await startHarness();
    const admin = await h.operator();
    let count = 0;
    const { id } = await startNode(h, ['count'], () => ({ n: ++count }));
    await eventually(async () => (await admin.request('node.pair.list')).pending.length === 1);
    await approveLatest(admin);
    const a = await admin.request('node.invoke', {
      nodeId: id.deviceId,
      command: 'count',
      idempotencyKey: 'same',
    });
    const b = await admin.request('node.invoke', {
      nodeId: id.deviceId,
      command: 'count',
      idempotencyKey: 'same',
    });
    expect(a.payload).toEqual({ n: 1 });
    expect(b).toEqual(a);
    expect(count).toBe(1);
  });

  it('reports a node-side failure in the result, and forwards progress to the caller', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const progress: string[] = [];
    admin.on('node.invoke.progress', (p) => progress.push(p.chunk));
    const { id } = await startNode(h, ['fails'], (req, n) => {
      void (async () => {
        await n.request('node.invoke.progress', {
          invokeId: req.id,
          nodeId: req.nodeId,
          seq: 0,
          chunk: 'working',
        });
        await n.request('node.invoke.result', {
          id: req.id,
          nodeId: req.nodeId,
          ok: false,
          error: { code: 'EPERM', message: 'nope' },
        });
      })();
      return undefined;
    });
    await eventually(async () => (await admin.request('node.pair.list')).pending.length === 1);
    await approveLatest(admin);
    const r = await admin.request('node.invoke', { nodeId: id.deviceId, command: 'fails' });
    expect(r.ok).toBe(false);
    expect(r.error).toEqual({ code: 'EPERM', message: 'nope' });
    expect(progress).toEqual(['working']);
  });

  it('needs operator.admin to approve commands that run code', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const limited = await h.client({ scopes: ['operator.pairing', 'operator.write'] });
    await limited.connect();
    await startNode(h, ['system.run'], () => ({}));
    const pending = await eventually(async () => (await admin.request('node.pair.list')).pending[0]);
    const e = (await limited
      .request('node.pair.approve', { requestId: pending.requestId })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('FORBIDDEN');
    expect(e.details?.missingScope).toBe('operator.admin');
    expect(
      (await admin.request('node.pair.approve', { requestId: pending.requestId })).approvedCommands,
    ).toEqual(['system.run']);
  });

  it('broadcasts node events to operators, and keeps node methods for nodes', async () => {
    h = await startHarness();
    const admin = await h.operator();
    const got: { event: string; payload?: unknown }[] = [];
    admin.on('node.event', (p) => got.push(p));
    const { node } = await startNode(h, [], () => undefined);
    const r = await node.request('node.event', { event: 'node.host.stats', payload: { cpuCount: 2 } });
    expect(r.handled).toBe(true);
    await eventually(() => got.length === 1);
    expect(got[0]).toMatchObject({ event: 'node.host.stats', payload: { cpuCount: 2 } });
    const denied = (await node.request('node.list').catch((x: unknown) => x)) as GatewayRequestError;
    expect(denied.detailCode).toBe('ROLE_REQUIRED');
  });
});
