// A turn killed (kill -9) between a completed tool call and the next model call is resumed on the
// next start from its last stored step: the side effect of the completed call (a cron job) is not
// repeated, and the model is asked again with the stored call and result. A gateway stopped
// cleanly (SIGTERM) at the same point leaves the turn, and a run queued behind it, to the next
// start in the same way: both run then, in order.
import { type ChatRequest, messageText, type ScriptedTurn, waitFor } from '@openclaw/test-fakes';
import { type CleanupList, connectOperator, runCleanup, scriptedGateway } from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

describe('a turn killed mid-way (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  /**
   * The turn both tests cut: its first model call adds a cron job, the next answers with the job's
   * id; `before` may answer a request first (a queued run's message).
   */
  const scheduleScript =
    (before?: (req: ChatRequest) => ScriptedTurn | undefined) =>
    (req: ChatRequest): ScriptedTurn => {
      const early = before?.(req);
      if (early) return early;
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
    };

  /**
   * The fake model, a state dir and a first gateway on it whose second model call hangs until
   * `release`; `start` and `operator` bring up the next gateway on the same state dir.
   */
  async function firstGateway(script: (req: ChatRequest) => ScriptedTurn) {
    const { fake, token, start, operator } = await scriptedGateway(cleanup, { model: { script } });
    const first = await start();
    const release = fake.hold(2);
    const op = await connectOperator(first.url, token, { scopes: ['operator.admin'] });
    return { fake, start, operator, first, release, op };
  }

  it('resumes after a kill -9 without running its completed tool call twice', async () => {
    // The second model call (after the tool ran) hangs until the gateway is gone.
    const { fake, start, operator, first, release, op } = await firstGateway(scheduleScript());
    const r = await op.request('agent', {
      message: 'schedule a ping',
      sessionKey: 'resume-1',
      idempotencyKey: 'rs1',
    });
    await fake.waitForRequests(2, 30_000);
    first.child.kill('SIGKILL');
    await first.waitForExit();
    await op.close().catch(() => {});
    release();

    const second = await start();
    const op2 = await operator(second);
    const done = await op2.request(
      'agent.wait',
      { runId: r.runId, timeoutMs: 30_000 },
      { timeoutMs: 35_000 },
    );
    const jobs = await op2.request('cron.list', {});
    expect(jobs.jobs).toHaveLength(1);
    expect(done).toMatchObject({ status: 'ok', output: `scheduled ${jobs.jobs[0]!.id}` });
    // Three model calls: the first, the one the kill cut off, and the resumed one with the
    // stored tool call (same id) and its result.
    await waitFor(() => fake.requests.length === 3, 5000, 'the resumed model call');
    const resumed = fake.requests[2]!.messages;
    expect(resumed.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(resumed[1]!.tool_calls?.[0]?.id).toBe('call_job');
    const history = await op2.request('chat.history', { sessionKey: 'resume-1' });
    expect(history.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'toolResult', 'assistant']);
    expect(second.output()).toContain('resuming a run a restart cut short');
  }, 90_000);

  it('a clean stop (SIGTERM) hands the turn and the run queued behind it to the next start, which runs both in order', async () => {
    // The model call after the tool ran hangs until the gateway has stopped.
    const { fake, start, operator, first, release, op } = await firstGateway(
      scheduleScript((req) => {
        const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
        return lastUser && messageText(lastUser) === 'and then?' ? { text: ['second answer'] } : undefined;
      }),
    );
    const r1 = await op.request('agent', {
      message: 'schedule a ping',
      sessionKey: 'stop-1',
      idempotencyKey: 'st1',
    });
    await fake.waitForRequests(2, 30_000);
    const r2 = await op.request('agent', {
      message: 'and then?',
      sessionKey: 'stop-1',
      idempotencyKey: 'st2',
    });
    expect(r2.runId).not.toBe(r1.runId);

    const stoppedAt = performance.now();
    const exit = await first.stop('SIGTERM');
    // Within the stop's bound, cleanly, and nothing ended: both runs are left for the next start.
    expect(performance.now() - stoppedAt).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    expect(first.output()).toContain('runs handed over for another start');
    await op.close().catch(() => {});
    release();

    const second = await start();
    const op2 = await operator(second);
    const wait = (runId: string) =>
      op2.request('agent.wait', { runId, timeoutMs: 30_000 }, { timeoutMs: 35_000 });
    const done1 = await wait(r1.runId);
    const done2 = await wait(r2.runId);
    const jobs = await op2.request('cron.list', {});
    expect(jobs.jobs).toHaveLength(1);
    expect(done1).toMatchObject({ status: 'ok', output: `scheduled ${jobs.jobs[0]!.id}` });
    expect(done2).toMatchObject({ status: 'ok', output: 'second answer' });
    expect(done2.startedAtMs!).toBeGreaterThanOrEqual(done1.endedAtMs!);
    // Model calls: the first, the one the stop cut off, the resumed turn with the stored tool call
    // (same id) and its result, then the queued run's.
    await waitFor(() => fake.requests.length === 4, 5000, 'the queued run’s model call');
    const resumed = fake.requests[2]!.messages;
    expect(resumed.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(resumed[1]!.tool_calls?.[0]?.id).toBe('call_job');
    const history = await op2.request('chat.history', { sessionKey: 'stop-1' });
    expect(history.messages.filter((m) => m.role === 'toolResult')).toHaveLength(1);
    expect(history.messages.filter((m) => m.role === 'assistant' && m.status === 'error')).toHaveLength(0);
    expect(second.output()).toContain('resuming a run a clean stop handed over');
    expect(second.output()).toContain('starting a run left waiting');
  }, 90_000);
});
