// The clean stops other than SIGTERM hand a running turn over too: `openclaw gateway restart`
// (SIGUSR1, the in-place restart an operator runs after editing a key that needs one) tells the
// clients when to come back and the same process finishes the turn after the restart; a supervisor
// restarting the gateway (SIGUSR2, restart expected) leaves it to the next process, until the turn
// has been handed over agent.maxHandovers times: the next stop ends it interrupted, and the run
// queued behind it is answered.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type ChatRequest, FakeOpenAi, messageText, type ScriptedTurn, waitFor } from '@openclaw/test-fakes';
import {
  connectOperator,
  eventually,
  type GatewayProcess,
  newToken,
  runCli,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

describe('clean stops other than SIGTERM hand the turn over (issue 19)', () => {
  const token = newToken();
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f().catch(() => {});
  });

  /** The last user message of a model request. */
  const asked = (req: ChatRequest) => {
    const user = [...req.messages].reverse().find((m) => m.role === 'user');
    return user ? messageText(user) : '';
  };

  async function setup(script: (req: ChatRequest) => ScriptedTurn, agent: Record<string, unknown> = {}) {
    const fake = await FakeOpenAi.start({ script });
    cleanup.push(() => fake.close());
    const stateDir = await tempStateDir();
    const config = {
      agent: {
        backend: 'openai-compatible',
        openai: { baseUrl: fake.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY' },
        ...agent,
      },
    };
    const start = async (): Promise<GatewayProcess> => {
      const gw = await spawnGateway({ stateDir, config, token });
      cleanup.push(() => gw.stop());
      return gw;
    };
    const operator = async (url: string) => {
      const op = await connectOperator(url, token, { scopes: ['operator.admin', 'operator.approvals'] });
      cleanup.push(() => op.close());
      return op;
    };
    return { fake, stateDir, config, start, operator };
  }

  it('openclaw gateway restart (SIGUSR1) after a restart-needing edit: clients are told, and the same process finishes the handed-over turn and the queued run', async () => {
    // First call: add a cron job; the call after it hangs until the restart is done.
    const { fake, stateDir, config, start, operator } = await setup((req) => {
      if (asked(req) === 'and then?') return { text: ['second answer'] };
      const results = req.messages.filter((m) => m.role === 'tool');
      if (results.length === 0)
        return {
          toolCalls: [
            {
              id: 'call_job',
              name: 'cron',
              arguments: { action: 'add', name: 'ping', message: 'ping', everyMs: 60_000 },
            },
          ],
        };
      return { text: [`scheduled ${JSON.parse(messageText(results[0]!) || '{}').jobId}`] };
    });
    const gw = await start();
    const op = await operator(gw.url);
    const release = fake.hold(2);
    const r1 = await op.request('agent', {
      message: 'schedule a ping',
      sessionKey: 'usr1',
      idempotencyKey: 'u1',
    });
    await fake.waitForRequests(2, 30_000);
    const r2 = await op.request('agent', { message: 'and then?', sessionKey: 'usr1', idempotencyKey: 'u2' });

    // A key only a restart applies: the gateway says so, and the operator restarts it.
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({ ...config, gateway: { bind: 'custom', host: '127.0.0.1' } }),
    );
    await gw.waitFor(/restart needed for gateway\.bind, gateway\.host/, 10_000);
    const shutdown = new Promise<{ reason: string; restartExpectedMs?: number }>((resolve) =>
      op.on('shutdown', resolve),
    );
    const cli = await runCli(['gateway', 'restart', '--json'], {
      OPENCLAW_STATE_DIR: stateDir,
      HOME: await tempStateDir('oc-cli-'),
    });
    expect(cli.code, cli.stderr).toBe(0);
    const restarted = JSON.parse(cli.stdout) as { restarted: boolean; pid: number; port: number };
    expect(restarted).toMatchObject({ restarted: true, pid: gw.child.pid });
    expect(await shutdown).toMatchObject({ restartExpectedMs: expect.any(Number) });
    expect(gw.output()).toContain('runs handed over for another start');
    await op.close().catch(() => {});
    release();

    // The same process, restarted: it resumes the turn from its stored step, then the queued run.
    const op2 = await operator(`ws://127.0.0.1:${restarted.port}`);
    const wait = (runId: string) =>
      op2.request('agent.wait', { runId, timeoutMs: 30_000 }, { timeoutMs: 35_000 });
    const done1 = await wait(r1.runId);
    const done2 = await wait(r2.runId);
    const jobs = await op2.request('cron.list', {});
    expect(jobs.jobs).toHaveLength(1);
    expect(done1).toMatchObject({ status: 'ok', output: `scheduled ${jobs.jobs[0]!.id}` });
    expect(done2).toMatchObject({ status: 'ok', output: 'second answer' });
    expect(done2.startedAtMs!).toBeGreaterThanOrEqual(done1.endedAtMs!);
    await waitFor(() => fake.requests.length === 4, 5000, 'the queued run’s model call');
    const resumed = fake.requests[2]!.messages;
    expect(resumed.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(resumed[1]!.tool_calls?.[0]?.id).toBe('call_job');
    expect((await op2.request('status')).gateway).toMatchObject({ bind: 'custom', port: restarted.port });
    expect(gw.child.exitCode).toBeNull();
    expect(gw.output()).toContain('resuming a run a clean stop handed over');
    expect(gw.output()).not.toContain('runs interrupted by a restart are marked interrupted');
  }, 90_000);

  it('a supervisor restarting the gateway (SIGUSR2) hands a turn stuck in an approval wait over agent.maxHandovers times, then ends it interrupted; the queued run is answered', async () => {
    const RUN = {
      id: 'call_run',
      name: 'nodes',
      arguments: { action: 'invoke', nodeId: 'node-1', command: 'system.run', params: { command: ['true'] } },
    };
    const { fake, start, operator } = await setup(
      (req) => (asked(req) === 'and then?' ? { text: ['second answer'] } : { toolCalls: [RUN] }),
      { maxHandovers: 1 },
    );
    const first = await start();
    const op = await operator(first.url);
    const snap = await op.request('exec.approvals.get', {});
    await op.request('exec.approvals.set', {
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      baseHash: snap.hash,
    });
    const r1 = await op.request('agent', { message: 'run true', sessionKey: 'usr2', idempotencyKey: 'v1' });
    const approval = await eventually(
      async () => (await op.request('exec.approval.list', {}))[0],
      30_000,
      'the approval the turn waits for',
    );
    const r2 = await op.request('agent', { message: 'and then?', sessionKey: 'usr2', idempotencyKey: 'v2' });
    const shutdown = new Promise<{ restartExpectedMs?: number }>((resolve) => op.on('shutdown', resolve));

    // First stop: handed over (clients told a restart is coming); the next process waits on the
    // same approval again.
    expect((await first.stop('SIGUSR2')).code).toBe(0);
    expect(await shutdown).toMatchObject({ restartExpectedMs: expect.any(Number) });
    expect(first.output()).toContain('runs handed over for another start');
    const second = await start();
    await second.waitFor(/resuming a run a clean stop handed over/, 30_000);
    const op2 = await operator(second.url);
    await eventually(
      async () => {
        const run = await op2.request('agent.wait', { runId: r1.runId, timeoutMs: 0 });
        return run.status === 'running' ? run : undefined;
      },
      30_000,
      'the resumed turn running again',
    );
    expect((await op2.request('exec.approval.list', {})).map((a) => a.id)).toEqual([approval.id]);

    // Second stop: handed over once already (agent.maxHandovers 1), so it ends interrupted here.
    expect((await second.stop('SIGUSR2')).code).toBe(0);
    expect(second.output()).toContain('a run handed over agent.maxHandovers times ends interrupted');
    const third = await start();
    const op3 = await operator(third.url);
    const wait = (runId: string) =>
      op3.request('agent.wait', { runId, timeoutMs: 30_000 }, { timeoutMs: 35_000 });
    expect(await wait(r1.runId)).toMatchObject({
      status: 'interrupted',
      error:
        'the gateway stopped during this run after it had been handed over 1 times (agent.maxHandovers: 1); it is not handed over again',
    });
    expect(await wait(r2.runId)).toMatchObject({ status: 'ok', output: 'second answer' });
    expect(third.output()).not.toContain('resuming a run');
    // The model was asked once for the stuck turn (the resumed ones only waited) and once for the queued run.
    expect(fake.requests.map(asked)).toEqual(['run true', 'and then?']);
    const history = await op3.request('chat.history', { sessionKey: 'usr2' });
    expect(history.messages.filter((m) => m.role === 'assistant').map((m) => m.text)).toContain(
      'second answer',
    );
  }, 120_000);
});
