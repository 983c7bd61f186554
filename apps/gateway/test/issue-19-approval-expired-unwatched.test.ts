// A system.run waiting for approval when its gateway is killed (kill -9), with a short approval
// timeout (agent.tools.approvalTimeoutMs), and a restart only after that timeout ran out: nobody
// watched the request expire. The resumed turn finds it, marks it expired (no new request) and
// the policy's askFallback decides: deny → the model is told nobody approved it in time; full →
// the call goes on to the node (here none is connected, so the model hears that instead).
import { type ChatRequest, messageText, type ScriptedTurn, waitFor } from '@openclaw/test-fakes';
import { type CleanupList, eventually, runCleanup, scriptedGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

describe('an approval that expired while no gateway watched it (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  const RUN = {
    id: 'call_run',
    name: 'nodes',
    arguments: { action: 'invoke', nodeId: 'node-1', command: 'system.run', params: { command: ['true'] } },
  };

  function setup() {
    const script = (req: ChatRequest): ScriptedTurn => {
      const tool = req.messages.find((m) => m.role === 'tool');
      return tool ? { text: [`the run: ${messageText(tool)}`] } : { toolCalls: [RUN] };
    };
    return scriptedGateway(cleanup, {
      model: { script },
      // Short enough to run out between the kill and the restart, long enough to kill first.
      agent: { tools: { approvalTimeoutMs: 6000 } },
      scopes: ['operator.admin', 'operator.approvals'],
    });
  }

  for (const [askFallback, expected] of [
    ['deny', /^the run: SYSTEM_RUN_DENIED: nobody approved this run in time \(ask fallback: deny\)/],
    ['full', /^the run: .*NODE_NOT_CONNECTED/],
  ] as const) {
    it(`askFallback ${askFallback}: the resumed turn finds the request expired and the fallback decides`, async () => {
      const { fake, start, operator } = await setup();
      const first = await start();
      const op = await operator(first);
      const snap = await op.request('exec.approvals.get', {});
      await op.request('exec.approvals.set', {
        file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback } },
        baseHash: snap.hash,
      });
      const r = await op.request('agent', {
        message: 'run true',
        sessionKey: `expired-${askFallback}`,
        idempotencyKey: `exp-${askFallback}`,
      });
      const asked = await eventually(
        async () => (await op.request('exec.approval.list', {}))[0],
        30_000,
        'the approval the turn asks for',
      );
      first.child.kill('SIGKILL');
      await first.waitForExit();
      // Killed before the expiry (so its gateway never expired it): nobody was left to.
      expect(asked).toMatchObject({ status: 'pending', requestedBy: `agent:${r.runId}` });
      expect(asked.expiresAtMs - Date.now(), 'killed before the approval expired').toBeGreaterThan(0);
      await waitFor(() => Date.now() > asked.expiresAtMs + 100, 10_000, 'the approval’s expiry to pass');

      const second = await start();
      const op2 = await operator(second);
      const done = await op2.request(
        'agent.wait',
        { runId: r.runId, timeoutMs: 30_000 },
        { timeoutMs: 35_000 },
      );
      expect(done).toMatchObject({ status: 'ok' });
      expect(done.output).toMatch(expected);
      expect(second.output()).toContain('resuming a run a restart cut short');
      // The same request, now expired (with its original expiry); none was made again.
      expect(await op2.request('exec.approval.get', { id: asked.id })).toMatchObject({
        status: 'expired',
        expiresAtMs: asked.expiresAtMs,
      });
      expect(await op2.request('exec.approval.list', {})).toEqual([]);
      expect(first.output()).toContain('exec approval requested');
      expect(second.output()).not.toContain('exec approval requested');
      // Two model calls: the tool call before the kill, and the answer with the fallback's result.
      expect(fake.requests.map((q) => q.messages.filter((m) => m.role === 'tool').length)).toEqual([0, 1]);
    }, 90_000);
  }
});
