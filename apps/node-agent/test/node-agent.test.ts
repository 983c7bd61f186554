import { join } from 'node:path';
import type { GatewayRequestError } from '@openclaw/protocol';
import { eventually } from '@openclaw/test-harness';
import { describe, expect, it } from 'vitest';
import { startWorld } from './harness.ts';

async function approveNode(op: Awaited<ReturnType<Awaited<ReturnType<typeof startWorld>>['operator']>>) {
  const pending = await eventually(async () => (await op.request('node.pair.list')).pending[0]);
  await op.request('node.pair.approve', { requestId: pending.requestId });
  return pending;
}

describe('the node-agent process against a real gateway', () => {
  it('waits for approval of what it declares, then runs allowlisted commands only', async () => {
    await using w = await startWorld();
    const op = await w.operator();
    const agent = await w.agent({ allowlist: { commands: ['echo', 'uname'], env: ['GREETING'] } });
    await agent.waitFor(/connected to .* as node/);
    const pending = await approveNode(op);
    expect(pending.newCommands).toEqual(
      expect.arrayContaining(['system.info', 'system.run', 'system.which']),
    );
    const nodeId = pending.nodeId;
    const listed = await op.request('node.list');
    expect(listed.nodes.find((n) => n.nodeId === nodeId)).toMatchObject({
      connected: true,
      approval: 'approved',
      displayName: 'test-node',
    });

    const info = await op.request('node.invoke', { nodeId, command: 'system.info' });
    expect((info.payload as { cpuCount: number }).cpuCount).toBeGreaterThan(0);
    const echo = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['echo', 'hello node'] },
    });
    expect(echo.ok).toBe(true);
    expect(echo.payload).toMatchObject({ exitCode: 0, stdout: 'hello node\n', truncated: false });
    const refused = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['ls', '/'] },
    });
    expect(refused.ok).toBe(false);
    expect(refused.error?.code).toBe('NOT_ALLOWED');
    // The refusal names the file to edit (issue 22).
    const file = join(agent.stateDir, 'allowlist.json');
    expect(refused.error?.message).toBe(
      `ls is not on this node's allowlist: add it to "commands" in ${file}`,
    );
    const env = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['echo', 'x'], env: { SECRET: '1' } },
    });
    expect(env.error?.code).toBe('ENV_NOT_ALLOWED');
    expect(env.error?.message).toBe(
      `environment variable SECRET is not on this node's allowlist: add it to "env" in ${file}`,
    );
    const which = await op.request('node.invoke', {
      nodeId,
      command: 'system.which',
      params: { name: 'echo' },
    });
    expect((which.payload as { path: string }).path).toMatch(/\/echo$/);
    const capped = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['echo', 'x'.repeat(5000)], maxOutputBytes: 100 },
    });
    expect(capped.payload).toMatchObject({ truncated: true });
    expect((capped.payload as { stdout: string }).stdout).toHaveLength(100);
  });

  it('times out at the deadline, records the late answer, and runs an idempotency key once', async () => {
    await using w = await startWorld();
    const op = await w.operator();
    const agent = await w.agent({ allowlist: { commands: ['sleep', 'date'] } });
    await agent.waitFor(/connected/);
    const { nodeId } = await approveNode(op);
    const e = (await op
      .request('node.invoke', {
        nodeId,
        command: 'system.run',
        params: { argv: ['sleep', '1'] },
        timeoutMs: 200,
      })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.detailCode).toBe('NODE_INVOKE_TIMEOUT');
    await agent.waitFor(/arrived after its deadline/, 10_000);
    const late = await op.request('security.audit.list', { action: 'node.invoke.late_result' });
    expect(late.entries).toHaveLength(1);

    const a = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['date', '+%s%N'] },
      idempotencyKey: 'once',
    });
    const b = await op.request('node.invoke', {
      nodeId,
      command: 'system.run',
      params: { argv: ['date', '+%s%N'] },
      idempotencyKey: 'once',
    });
    expect(b).toEqual(a);
  });

  it('fails an invoke at once when the node process dies, and reconnects a restarted node without a new approval', async () => {
    await using w = await startWorld();
    const op = await w.operator();
    const agent = await w.agent({ allowlist: { commands: ['sleep'] } });
    await agent.waitFor(/connected/);
    const { nodeId } = await approveNode(op);
    const inflight = op
      .request('node.invoke', {
        nodeId,
        command: 'system.run',
        params: { argv: ['sleep', '10'] },
        timeoutMs: 20_000,
      })
      .catch((x: unknown) => x);
    await new Promise((r) => setTimeout(r, 300));
    await agent.stop('SIGKILL');
    const e = (await inflight) as GatewayRequestError;
    expect(e.detailCode).toBe('NODE_DISCONNECTED');
    const again = await w.agent({ stateDir: agent.stateDir });
    await again.waitFor(/connected/);
    expect((await op.request('node.pair.list')).pending).toHaveLength(0);
    const r = await op.request('node.invoke', { nodeId, command: 'system.which', params: { name: 'sleep' } });
    expect(r.ok).toBe(true);
  });

  it('never runs a command on the gateway deny list', async () => {
    await using w = await startWorld({ nodes: { denyCommands: ['system.run'] } });
    const op = await w.operator();
    const agent = await w.agent({ allowlist: { commands: ['echo'] } });
    await agent.waitFor(/connected/);
    const { nodeId } = await approveNode(op);
    const e = (await op
      .request('node.invoke', { nodeId, command: 'system.run', params: { argv: ['echo', 'x'] } })
      .catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.code).toBe('FORBIDDEN');
    expect(e.detailCode).toBe('NODE_COMMAND_NOT_ALLOWED');
  });
});
