// The clean stops other than SIGTERM hand a running turn over too: `openclaw gateway restart`
// (SIGUSR1, the in-place restart an operator runs after editing a key that needs one) tells the
// clients when to come back, and the same process finishes a Telegram DM's turn after the restart
// (the chat gets each reply once); a supervisor
// restarting the gateway (SIGUSR2, restart expected) leaves it to the next process, until the turn
// has been handed over agent.maxHandovers times: the next stop ends it interrupted, and the run
// queued behind it is answered.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ChatRequest,
  FakeTelegram,
  messageText,
  type ScriptedTurn,
  waitFor,
} from '@openclaw/test-fakes';
import {
  type CleanupList,
  channelSessionKey,
  eventually,
  runCleanup,
  runCli,
  scriptedGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterEach, describe, expect, it } from 'vitest';

const CHAT = '903';

describe('clean stops other than SIGTERM hand the turn over (issue 19)', () => {
  const cleanup: CleanupList = [];
  afterEach(() => runCleanup(cleanup));

  /** The last user message of a model request. */
  const asked = (req: ChatRequest) => {
    const user = [...req.messages].reverse().find((m) => m.role === 'user');
    return user ? messageText(user) : '';
  };

  function setup(
    script: (req: ChatRequest) => ScriptedTurn,
    agent: Record<string, unknown> = {},
    channels: Record<string, unknown> = {},
  ) {
    return scriptedGateway(cleanup, {
      model: { script },
      agent,
      config: { channels },
      scopes: ['operator.admin', 'operator.approvals'],
    });
  }

  it('openclaw gateway restart (SIGUSR1) after a restart-needing edit: clients are told, and the same process finishes the handed-over turn and the queued run', async () => {
    // A Telegram DM's turn: its first step messages the chat; the model call after it hangs until
    // the restart is done.
    const NOTE = { id: 'call_note', name: 'message', arguments: { action: 'send', text: 'on it' } };
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    const telegram = {
      telegram: tg.account(),
    };
    const { fake, stateDir, config, start, operator } = await setup(
      (req) => {
        const text = asked(req);
        if (text === 'and then?') return { text: ['second answer'] };
        if (text === 'marker?') return { text: ['marker seen'] };
        return req.messages.some((m) => m.role === 'tool') ? { text: ['done'] } : { toolCalls: [NOTE] };
      },
      {},
      telegram,
    );
    const gw = await start();
    const op = await operator(gw.url);
    await eventually(
      async () => JSON.stringify(await op.request('channels.status', {})).includes('"connected":true'),
      30_000,
      'the Telegram account connected',
    );
    const release = fake.hold(2);
    const dm = (text: string) => tg.pushMessage({ chatId: 903, from: { id: 903, first_name: 'Ann' }, text });
    await dm('do the thing');
    await fake.waitForRequests(2, 30_000);
    await waitFor(() => tg.sentTexts(CHAT).includes('on it'), 10_000, 'the tool step’s message');
    // A second message, stored, its run waiting behind the turn.
    await dm('and then?');
    const sessionKey = (await channelSessionKey(op, 'telegram'))!;
    await eventually(
      async () =>
        (await op.request('chat.history', { sessionKey })).messages.some(
          (m) => m.role === 'user' && m.text === 'and then?',
        ),
      15_000,
      'the second message stored',
    );

    // A key only a restart applies: the gateway says so, and the operator restarts it.
    await writeFile(
      join(stateDir, 'openclaw.json'),
      JSON.stringify({ ...config, gateway: { bind: 'custom', host: '127.0.0.1' } }),
    );
    await gw.waitFor(/restart needed for gateway\.bind, gateway\.host/, 10_000);
    const shutdown = new Promise<{ reason: string; restartExpectedMs?: number }>((resolve) =>
      op.on('shutdown', resolve),
    );
    const cliHome = await tempStateDir('oc-cli-');
    cleanup.push(() => rm(cliHome, { recursive: true, force: true }));
    const cli = await runCli(['gateway', 'restart', '--json'], {
      OPENCLAW_STATE_DIR: stateDir,
      HOME: cliHome,
    });
    expect(cli.code, cli.stderr).toBe(0);
    const restarted = JSON.parse(cli.stdout) as { restarted: boolean; pid: number; port: number };
    expect(restarted).toMatchObject({ restarted: true, pid: gw.child.pid });
    expect(await shutdown).toMatchObject({ restartExpectedMs: expect.any(Number) });
    expect(gw.output()).toContain('runs handed over for another start');
    await op.close().catch(() => {});
    release();

    // The same process, restarted, resumes the turn from its stored step and then answers the
    // queued message: each reply reaches the chat once, and the completed send is not repeated.
    await waitFor(() => tg.sentTexts(CHAT).includes('second answer'), 30_000, 'the queued message’s answer');
    await dm('marker?');
    await waitFor(() => tg.sentTexts(CHAT).includes('marker seen'), 15_000, 'the marker’s answer');
    expect(tg.sentTexts(CHAT)).toEqual(['on it', 'done', 'second answer', 'marker seen']);
    // Model calls: step 1, the one the restart cut off, the resumed turn with the stored call (same
    // id) and its result, the queued message's, the marker's.
    expect(fake.requests.map(asked)).toEqual([
      'do the thing',
      'do the thing',
      'do the thing',
      'and then?',
      'marker?',
    ]);
    const resumed = fake.requests[2]!.messages.filter((m) => m.role !== 'system');
    expect(resumed.map((m) => m.role)).toEqual(['user', 'assistant', 'tool']);
    expect(resumed[1]!.tool_calls?.[0]?.id).toBe('call_note');
    expect(fake.requests[2]!.messages).toEqual(fake.requests[1]!.messages);
    const op2 = await operator(`ws://127.0.0.1:${restarted.port}`);
    expect((await op2.request('status')).gateway).toMatchObject({ bind: 'custom', port: restarted.port });
    expect(gw.child.exitCode).toBeNull();
    expect(gw.output()).toContain('resuming a run a clean stop handed over');
    expect(gw.output()).toContain('starting a run left waiting');
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
