import {
  gatewayError,
  type NodeInvokeParams,
  type NodeInvokeResult,
  type PresenceEntry,
} from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { ExecApprovals } from '../../approvals/exec-approvals.ts';
import { AuditLog } from '../../audit/audit-log.ts';
import { ClusterBridge } from '../../cluster/cluster-bridge.ts';
import type { ClusterLink, ClusterMessage } from '../../cluster/cluster-link.ts';
import { EventBus } from '../../events/event-bus.ts';
import { createSilentLogger } from '../../logging/logger.ts';
import type { InvokeProgress } from '../../nodes/invoke-broker.ts';
import { NodeService } from '../../nodes/node-service.ts';
import { createMemoryStore } from '../../store/memory-store.ts';
import { systemClock } from '../../util/clock.ts';
import type { ToolCallContext } from './agent-tool.ts';
import { clusterNodes, NodeInvoker } from './node-invoker.ts';

/** Gateways on one in-process backend: messages delivered asynchronously and in order, shared presence. */
class Hub {
  readonly presence = new Map<string, PresenceEntry[]>();
  readonly handlers = new Map<string, (m: ClusterMessage) => void>();

  link(gatewayId: string): ClusterLink {
    return {
      gatewayId,
      send: async (m) => {
        const message = { ...m, from: gatewayId };
        for (const [id, h] of this.handlers)
          if (id !== gatewayId && (!m.to || m.to === id)) setImmediate(() => h(message));
      },
      onMessage: (h) => void this.handlers.set(gatewayId, h),
      setPresence: async (rows) => void this.presence.set(gatewayId, rows),
      presence: async () => new Map(this.presence),
      healthy: () => true,
      onHealthChange: () => {},
      close: async () => {},
    };
  }

  /** A gateway dies: its inbox goes dead and its presence runs out. */
  kill(gatewayId: string): void {
    this.handlers.delete(gatewayId);
    this.presence.delete(gatewayId);
  }
}

const NODE = 'node-on-a';
const RUN_ID = 'run-1';
const answer = (payload: unknown): NodeInvokeResult => ({
  ok: true,
  nodeId: NODE,
  command: 'system.run',
  invokeId: 'inv-1',
  durationMs: 3,
  payload,
});

describe('the agent invoking a node held by another gateway', () => {
  const closers: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
  });

  /**
   * Gateway A holds the node (its side of the bridge answers through `holder`); gateway B runs
   * the turn with its own NodeService (the node is not connected there) and exec approvals.
   */
  async function cluster(
    holder: (params: NodeInvokeParams, onProgress?: InvokeProgress) => Promise<NodeInvokeResult>,
  ) {
    const hub = new Hub();
    const store = createMemoryStore();
    const log = createSilentLogger();
    const bridge = (id: string, here: boolean, busB = new EventBus()) => {
      const b = new ClusterBridge({
        link: hub.link(id),
        bus: busB,
        log,
        invokeLocal: here ? holder : () => Promise.reject(new Error('not here')),
        isNodeHere: () => here,
        onOutboxRecord: () => {},
        localPresence: () =>
          here ? [{ host: 'a', ts: Date.now(), deviceId: NODE, roles: ['node'], mode: 'node' }] : [],
        holderCheckMs: 20,
      });
      b.start();
      closers.push(() => b.close());
      return b;
    };
    bridge('gw-a', true);
    const bus = new EventBus();
    const b = bridge('gw-b', false, bus);
    await expect.poll(() => hub.presence.get('gw-a')?.length).toBe(1);
    await store.nodes.put({
      nodeId: NODE,
      displayName: 'canvas box',
      caps: ['canvas'],
      declaredCommands: ['canvas.snapshot', 'system.run'],
      approvedCommands: ['canvas.snapshot', 'system.run'],
      permissions: {},
      createdAtMs: 1,
      approvedAtMs: 1,
    });
    const nodes = new NodeService({
      store,
      bus,
      clock: systemClock,
      audit: new AuditLog(store, systemClock, log),
      log,
      requestTtlMs: () => 60_000,
      denyCommands: () => [],
      defaultInvokeTimeoutMs: () => 30_000,
    });
    const approvals = new ExecApprovals({
      kv: store.kv,
      approvals: store.approvals,
      bus,
      clock: systemClock,
      log,
    });
    closers.push(() => approvals.close());
    const invoker = new NodeInvoker(
      nodes,
      approvals,
      clusterNodes(b, () => 30_000),
    );
    const events: { event: string; payload: unknown }[] = [];
    bus.tap((event, payload) => events.push({ event, payload }));
    return { hub, invoker, approvals, events };
  }

  function context(toolCallId: string, sessionKey = 'telegram:default:1') {
    const updates: { text: string; details: Record<string, unknown> }[] = [];
    const ctx: ToolCallContext = {
      runId: RUN_ID,
      sessionKey,
      agentId: 'main',
      toolCallId,
      scopes: ['operator.admin'],
      unattended: true,
      idempotencyKey: `agent:${RUN_ID}:${toolCallId}`,
      signal: new AbortController().signal,
      update: (partial) => {
        const p = partial as { content: { text: string }[]; details: Record<string, unknown> };
        updates.push({ text: p.content[0]!.text, details: p.details });
      },
      image: () => {},
      attach: () => {},
    };
    return { ctx, updates };
  }

  it('lists the node as connected, held by the other gateway, and picks it', async () => {
    const { invoker } = await cluster(async () => answer({}));
    const [node] = await invoker.list();
    expect(node).toMatchObject({ nodeId: NODE, connected: true, gatewayId: 'gw-a' });
    expect(node?.approvedCommands).toEqual(['canvas.snapshot', 'system.run']);
    expect(await invoker.pick('canvas.snapshot')).toBe(NODE);
  });

  it('a system.run asks once on the turn’s gateway, then reaches the node with the key, deadline, approval and progress', async () => {
    const received: NodeInvokeParams[] = [];
    const { invoker, approvals, events } = await cluster(async (params, onProgress) => {
      received.push(params);
      onProgress?.({ seq: 0, chunk: 'line 1\n' });
      onProgress?.({ seq: 1, chunk: 'line 2\n' });
      return answer({ exitCode: 0 });
    });
    const snap = await approvals.snapshot();
    await approvals.set(
      { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      snap.hash,
    );
    const { ctx, updates } = context('call_run');
    const run = invoker.invoke(
      { nodeId: NODE, command: 'system.run', params: { argv: ['true'] }, timeoutMs: 7000 },
      ctx,
    );
    await expect.poll(() => events.filter((e) => e.event === 'exec.approval.requested')).toHaveLength(1);
    const [pending] = await approvals.list();
    expect(received).toEqual([]);
    await approvals.resolve(pending!.id, 'allow-once', 'operator');
    const result = await run;
    expect(result).toEqual(answer({ exitCode: 0 }));
    expect(received).toEqual([
      {
        nodeId: NODE,
        command: 'system.run',
        params: { argv: ['true'], approval: { id: pending!.id, decision: 'allow-once' } },
        timeoutMs: 7000,
        idempotencyKey: 'agent:run-1:call_run',
      },
    ]);
    expect(events.filter((e) => e.event === 'exec.approval.requested')).toHaveLength(1);
    // Waiting, approved, then the node's two reports in order: all before the result came back.
    expect(updates.map((u) => u.details.status)).toEqual([
      'approval-pending',
      'approved',
      'running',
      'running',
    ]);
    expect(updates.slice(2).map((u) => u.text)).toEqual(['line 1\n', 'line 2\n']);
  });

  it('an approval asked from the session of a removed agent records the agent running the turn (main)', async () => {
    const { invoker, approvals, events } = await cluster(async () => answer({ exitCode: 0 }));
    const snap = await approvals.snapshot();
    await approvals.set(
      { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      snap.hash,
    );
    // The key still names `gone`; the turn runs as main (what ctx.agentId says).
    const { ctx } = context('call_gone', 'agent:gone:telegram:default:1');
    const run = invoker.invoke({ nodeId: NODE, command: 'system.run', params: { argv: ['true'] } }, ctx);
    await expect.poll(() => events.filter((e) => e.event === 'exec.approval.requested')).toHaveLength(1);
    const [pending] = await approvals.list();
    expect(pending).toMatchObject({ agentId: 'main', sessionKey: 'agent:gone:telegram:default:1' });
    await approvals.resolve(pending!.id, 'allow-once', 'operator');
    await run;
  });

  it('the holder failing (the node left it) comes back as its typed error', async () => {
    const { invoker } = await cluster(async () => {
      throw gatewayError('UNAVAILABLE', 'NODE_DISCONNECTED', 'node disconnected before answering', {
        retryable: true,
      });
    });
    const { ctx } = context('call_shot');
    await expect(invoker.invoke({ nodeId: NODE, command: 'canvas.snapshot' }, ctx)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      detailCode: 'NODE_DISCONNECTED',
    });
  });

  it('the holding gateway dying mid-call fails the call as NODE_GATEWAY_GONE, not at its deadline', async () => {
    let reached = false;
    const { invoker, hub } = await cluster(() => {
      reached = true;
      return new Promise<NodeInvokeResult>(() => {});
    });
    const { ctx } = context('call_shot');
    const call = invoker.invoke({ nodeId: NODE, command: 'canvas.snapshot', timeoutMs: 60_000 }, ctx);
    call.catch(() => {});
    await expect.poll(() => reached).toBe(true);
    const t0 = Date.now();
    hub.kill('gw-a');
    await expect(call).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      detailCode: 'NODE_GATEWAY_GONE',
      details: { gatewayId: 'gw-a' },
    });
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('a holder that never answers fails at the deadline (plus the link’s grace)', async () => {
    const { invoker } = await cluster(() => new Promise<NodeInvokeResult>(() => {}));
    const { ctx } = context('call_shot');
    const t0 = Date.now();
    await expect(
      invoker.invoke({ nodeId: NODE, command: 'canvas.snapshot', timeoutMs: 100 }, ctx),
    ).rejects.toMatchObject({ code: 'TIMEOUT', detailCode: 'NODE_INVOKE_TIMEOUT' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2000);
  });
});
