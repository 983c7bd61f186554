// An operator approves a node's system.run the way the reference does: the gateway's exec
// approval policy asks, exec.approval.requested goes out, exec.approval.resolve decides, and the
// node (whose owner opted in with ask: on-miss) runs what was approved — and only that.
import { type EventPayload, GatewayRequestError } from '@openclaw/protocol';
import { eventually } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { startWorld } from './harness.ts';

describe('exec approvals for system.run on a real node', () => {
  it('asks on a miss, runs what an operator approved, refuses what one denied, remembers allow-always', async () => {
    await using w = await startWorld();
    const op = await w.operator();
    const requested: EventPayload<'exec.approval.requested'>[] = [];
    const resolved: EventPayload<'exec.approval.resolved'>[] = [];
    op.on('exec.approval.requested', (e) => requested.push(e));
    op.on('exec.approval.resolved', (e) => resolved.push(e));
    const agent = await w.agent({ allowlist: { commands: ['echo'], ask: 'on-miss' } });
    await agent.waitFor(/connected to .* as node/);
    const pending = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
    expect(pending.requiredApproveScopes).toEqual(['operator.pairing', 'operator.admin']);
    await op.request('node.pair.approve', { requestId: pending.requestId });
    const nodeId = pending.nodeId;

    // Default policy (full, never ask): the node's own allowlist is the whole answer.
    const before = await op.request('exec.approvals.get');
    expect(before).toMatchObject({
      exists: false,
      resolvedDefaults: { security: 'full', ask: 'off', askFallback: 'deny' },
    });
    const plain = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['uname', '-s'] },
    });
    expect(plain.error?.code).toBe('NOT_ALLOWED');
    expect(requested).toHaveLength(0);

    await op.request('exec.approvals.set', {
      baseHash: before.hash,
      file: {
        version: 1,
        defaults: { security: 'allowlist', ask: 'on-miss', askFallback: 'deny' },
        agents: { main: { allowlist: [{ pattern: 'echo' }] } },
      },
    });
    // On the gateway allowlist: runs with no question asked.
    const echo = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['echo', 'hi'] },
    });
    expect(echo.payload).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    expect(requested).toHaveLength(0);

    // A miss: the invoke waits for an operator; allow-once lets exactly this run through.
    const once = op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['uname', '-s'] },
    });
    const ask1 = await eventually(() => requested[0]);
    expect(ask1).toMatchObject({ status: 'pending', commandArgv: ['uname', '-s'], nodeId, host: 'node' });
    expect((await op.request('exec.approval.list')).map((a) => a.id)).toEqual([ask1.id]);
    await op.request('exec.approval.resolve', { id: ask1.id, decision: 'allow-once' });
    const ran = await once;
    expect(ran.ok).toBe(true);
    expect((ran.payload as { stdout: string }).stdout.trim()).toMatch(/^[A-Za-z]/);
    expect(resolved[0]).toMatchObject({ id: ask1.id, status: 'resolved', decision: 'allow-once' });
    expect(await op.request('exec.approval.get', { id: ask1.id })).toMatchObject({
      status: 'resolved',
      decision: 'allow-once',
    });

    // Denied: the run never reaches the node.
    const denied = op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['uname', '-s'] },
    });
    const ask2 = await eventually(() => requested[1]);
    await op.request('exec.approval.resolve', { id: ask2.id, decision: 'deny' });
    const e = (await denied.catch((x: unknown) => x)) as GatewayRequestError;
    expect(e).toBeInstanceOf(GatewayRequestError);
    expect(e.code).toBe('FORBIDDEN');
    expect(e.detailCode).toBe('SYSTEM_RUN_DENIED');

    // allow-always: this run, and later runs of the program without asking again.
    const always = op.request('node.invoke', { nodeId, command: 'system.run', params: { argv: ['uname'] } });
    const ask3 = await eventually(() => requested[2]);
    await op.request('exec.approval.resolve', { id: ask3.id, decision: 'allow-always' });
    expect((await always).ok).toBe(true);
    const policy = await op.request('exec.approvals.get');
    expect(policy.file.agents?.main?.allowlist?.map((a) => a.pattern)).toEqual(['echo', 'uname']);
    const again = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['uname'] },
    });
    expect(again.ok).toBe(true);
    expect(requested).toHaveLength(3);
    // Deciding twice is refused.
    const twice = (await op
      .request('exec.approval.resolve', { id: ask3.id, decision: 'deny' })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(twice.detailCode).toBe('APPROVAL_UNKNOWN');
  });

  it('a node whose owner did not opt in refuses an approved run that is not on its allowlist', async () => {
    await using w = await startWorld();
    const op = await w.operator();
    const requested: EventPayload<'exec.approval.requested'>[] = [];
    op.on('exec.approval.requested', (e) => requested.push(e));
    const agent = await w.agent({ allowlist: { commands: ['echo'] } });
    await agent.waitFor(/connected to .* as node/);
    const pending = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
    await op.request('node.pair.approve', { requestId: pending.requestId });
    await op.request('exec.approvals.set', {
      file: { version: 1, defaults: { security: 'full', ask: 'always' } },
    });
    const run = op.request('node.invoke', {
      nodeId: pending.nodeId,
      command: 'system.run',
      params: { argv: ['uname'] },
    });
    const ask = await eventually(() => requested[0]);
    await op.request('exec.approval.resolve', { id: ask.id, decision: 'allow-once' });
    const r = await run;
    expect(r.ok).toBe(false);
    expect(r.error?.code).toBe('NOT_ALLOWED');
  });
});
