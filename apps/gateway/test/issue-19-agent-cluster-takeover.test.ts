// A turn in a cluster outlives the gateway running it: two real gateway processes share a real
// Redis and one Telegram account; a DM starts a turn on the account's owner (A) whose first step
// runs side-effecting tools (a message to the chat, a cron job). A is then killed (kill -9) in the
// middle of that step's last call (a system.run waiting for an operator's approval), or frozen
// (SIGSTOP) past its leases while its next model call is pending and woken (SIGCONT) after the
// takeover. The other gateway (B) takes the turn over from its last completed call: completed
// tools are not run again, the pending approval is the same request on B (decided there, or
// while no gateway owned the run), the answer reaches the chat once, and a woken A neither
// answers nor writes anything more. A stopped cleanly (SIGTERM) hands the turn over at once, long
// before its lease would run out; killed with a second message queued behind the turn, both are
// answered by B, in order.
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayClient } from '@openclaw/protocol';
import { type RedisServer, startRedisServer } from '@openclaw/store-redis/testing';
import {
  type ChatRequest,
  FakeOpenAi,
  FakeTelegram,
  messageText,
  type ScriptedTurn,
  waitFor,
} from '@openclaw/test-fakes';
import {
  type CleanupList,
  channelAccount,
  channelSessionKey,
  connectOperator,
  eventually,
  type GatewayProcess,
  newToken,
  runCleanup,
  spawnGateway,
  tempStateDir,
} from '@openclaw/test-harness';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';

const LEASE_MS = 3000;
const CHAT = '7001';

describe('an agent turn taken over by another gateway (issue 19)', needs('redis-server'), () => {
  const token = newToken();
  let redis: RedisServer;
  const cleanup: CleanupList = [];

  beforeAll(async () => {
    redis = await startRedisServer();
  }, 30_000);
  afterEach(() => runCleanup(cleanup));
  afterAll(async () => {
    await redis?.stop();
  });

  const MESSAGE = { id: 'call_msg', name: 'message', arguments: { action: 'send', text: 'working on it' } };
  const JOB = {
    id: 'call_job',
    name: 'cron',
    arguments: { action: 'add', name: 'ping', message: 'ping', everyMs: 3_600_000 },
  };
  // A system.run on a node: the exec policy (set below) asks an operator first, so the call waits.
  const RUN = {
    id: 'call_run',
    name: 'nodes',
    arguments: { action: 'invoke', nodeId: 'node-1', command: 'system.run', params: { command: ['true'] } },
  };

  /**
   * The turn: step 1 makes `calls` (a message to the chat and a cron job first); the answer names
   * the job. `answer(n)` words the n-th answer (1-based), so a stale gateway's can be told apart.
   */
  function turnScript(calls: object[], answer: (n: number, jobId: string) => string) {
    let answers = 0;
    return (req: ChatRequest): ScriptedTurn => {
      const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
      if (lastUser && messageText(lastUser) === 'marker') return { text: ['marker seen'] };
      const results = req.messages.filter((m) => m.role === 'tool').map((m) => messageText(m));
      if (results.length === 0) return { toolCalls: calls as NonNullable<ScriptedTurn['toolCalls']> };
      const job = JSON.parse(results[1] || '{}') as { jobId?: string };
      answers++;
      return { text: [answer(answers, job.jobId ?? '?')] };
    };
  }

  async function cluster(prefix: string, llm: FakeOpenAi, tg: FakeTelegram, leaseMs = LEASE_MS) {
    async function gateway(tag: string): Promise<GatewayProcess> {
      const stateDir = await tempStateDir();
      cleanup.push(() => rm(stateDir, { recursive: true, force: true }));
      await writeFile(
        join(stateDir, 'openclaw.json'),
        JSON.stringify({
          cluster: { redisUrl: redis.url, keyPrefix: prefix, leaseTtlMs: leaseMs },
          agent: {
            backend: 'openai-compatible',
            openai: { baseUrl: llm.baseUrl, model: 'test-model', apiKeyEnv: 'OC_TEST_NO_KEY' },
            // A DM turn may schedule jobs here (cron.add is an admin act).
            tools: { unattendedScopes: ['operator.read', 'operator.write', 'operator.admin'] },
          },
          channels: {
            telegram: {
              botToken: tg.token,
              apiRoot: await tg.apiRootVia(tag),
              dmPolicy: 'open',
              pacing: { perChatMs: 0, perAccountMs: 0 },
            },
          },
        }),
      );
      const gw = await spawnGateway({ stateDir, token });
      cleanup.push(async () => {
        // A stopped process cannot act on SIGTERM.
        gw.child.kill('SIGCONT');
        await gw.stop();
      });
      return gw;
    }
    const operator = async (gw: GatewayProcess): Promise<GatewayClient> => {
      const op = await connectOperator(gw.url, token, { scopes: ['operator.admin', 'operator.approvals'] });
      cleanup.push(() => op.close());
      return op;
    };
    // A starts first, so it owns the account and answers the chat.
    const a = await gateway('gw-a');
    const opA = await operator(a);
    await eventually(
      async () => (await channelAccount(opA, 'telegram'))?.connected,
      15_000,
      'A to own the account',
    );
    const b = await gateway('gw-b');
    const opB = await operator(b);
    await eventually(
      async () => (await channelAccount(opB, 'telegram'))?.healthState === 'held-elsewhere',
      15_000,
      'B to see the account held by A',
    );
    return { a, b, opA, opB };
  }

  async function fakes(
    calls: object[],
    answer: (n: number, jobId: string) => string,
    script = turnScript(calls, answer),
  ) {
    const llm = await FakeOpenAi.start({ script });
    cleanup.push(() => llm.close());
    const tg = await FakeTelegram.start({ holdMs: 100 });
    cleanup.push(() => tg.close());
    return { llm, tg };
  }

  /** A DM to the chat, which A (the account's owner) answers. */
  const dm = (tg: FakeTelegram, text: string) =>
    tg.pushMessage({ chatId: Number(CHAT), from: { id: Number(CHAT), first_name: 'Ann' }, text });

  /**
   * The step's message is on the chat and the shared outbox records it delivered. The tool
   * returns once the send is queued, so the platform can have the message before the sender has
   * written that down; a gateway stopped in between leaves the send in doubt, and the new owner
   * sends it again (outbox.inDoubt: resend, by design). The tests stop A only after that window.
   */
  async function messageDelivered(tg: FakeTelegram, op: GatewayClient): Promise<void> {
    await waitFor(() => tg.sentTexts(CHAT).includes('working on it'), 10_000, 'the tool step’s message');
    await eventually(
      async () => {
        const st = (await op.request('channels.status', {})).channels as {
          outbox?: Record<string, number>;
        };
        return st.outbox?.delivered === 1 && st.outbox.sending === 0 && st.outbox.queued === 0;
      },
      10_000,
      'the message recorded as delivered',
    );
  }

  /** The turn's first step ran on A (both tools), and its next model call is held. */
  async function startTurnOnA(llm: FakeOpenAi, tg: FakeTelegram, op: GatewayClient): Promise<() => void> {
    const release = llm.hold(2);
    await dm(tg, 'ping me');
    await llm.waitForRequests(2, 30_000);
    await messageDelivered(tg, op);
    return release;
  }

  /** One more DM through the new owner: once its answer is there, nothing else is on its way. */
  async function marker(tg: FakeTelegram): Promise<void> {
    await tg.pushMessage({
      chatId: Number(CHAT),
      from: { id: Number(CHAT), first_name: 'Ann' },
      text: 'marker',
    });
    await waitFor(() => tg.sentTexts(CHAT).includes('marker seen'), 20_000, 'the marker’s answer');
  }

  /** Every system.run asks an operator first (the policy is in the shared store). */
  async function askForEveryRun(op: GatewayClient): Promise<void> {
    const snap = await op.request('exec.approvals.get', {});
    await op.request('exec.approvals.set', {
      file: { version: 1, defaults: { security: 'full', ask: 'always', askFallback: 'deny' } },
      baseHash: snap.hash,
    });
  }

  /** The resumed model call carries the stored step: its calls and one result for each. */
  function expectResumedFromStep(req: ChatRequest, calls: { id: string }[]): void {
    const roles = req.messages.filter((m) => m.role !== 'system').map((m) => m.role);
    expect(roles).toEqual(['user', 'assistant', ...calls.map(() => 'tool')]);
    const step = req.messages.find((m) => m.role === 'assistant');
    expect(step?.tool_calls?.map((c) => c.id)).toEqual(calls.map((c) => c.id));
  }

  /**
   * After a marker: the turn whose system.run was denied was finished by B, once: A's message, B's
   * answer naming the one job, the marker's; model calls: step 1 (A), the resumed one with the
   * whole step ending in the denial (B), the marker's.
   */
  async function expectDeniedTurnFinishedByB(tg: FakeTelegram, opB: GatewayClient, llm: FakeOpenAi) {
    await marker(tg);
    const jobs = (await opB.request('cron.list', {})).jobs;
    expect(jobs).toHaveLength(1);
    expect(tg.sentTexts(CHAT)).toEqual(['working on it', `scheduled ${jobs[0]!.id}`, 'marker seen']);
    expect(tg.sent.filter((s) => s.chatId === CHAT).map((s) => s.via)).toEqual(['gw-a', 'gw-b', 'gw-b']);
    expect(llm.requests).toHaveLength(3);
    expectResumedFromStep(llm.requests[1]!, [MESSAGE, JOB, RUN]);
    expect(messageText(llm.requests[1]!.messages.at(-1)!)).toContain('SYSTEM_RUN_DENIED');
  }

  /** The approval requests an operator connection sees announced. */
  function requestsSeen(op: GatewayClient): string[] {
    const ids: string[] = [];
    op.on('exec.approval.requested', (e) => ids.push(e.id));
    return ids;
  }

  /** A's turn has sent the message, added the job, and its system.run waits for an operator. */
  async function waitingOnA(tg: FakeTelegram, opA: GatewayClient, opB: GatewayClient) {
    await askForEveryRun(opA);
    await dm(tg, 'ping me');
    const asked = await eventually(
      async () => (await opA.request('exec.approval.list', {}))[0],
      30_000,
      'the approval A asks for',
    );
    expect(asked).toMatchObject({ commandArgv: ['true'], status: 'pending' });
    // The request is the cluster's: B lists the same one.
    expect(await opB.request('exec.approval.list', {})).toEqual([asked]);
    // The message goes out through the outbox, on its own time.
    await messageDelivered(tg, opB);
    expect(tg.sentTexts(CHAT)).toEqual(['working on it']);
    return asked;
  }

  it('a gateway killed mid-tool-call: another one finishes the turn, without running its completed tools again', async () => {
    const { llm, tg } = await fakes([MESSAGE, JOB, RUN], (_n, jobId) => `scheduled ${jobId}`);
    const { a, b, opA, opB } = await cluster('oc-takeover-kill:', llm, tg);
    const seenOnB = requestsSeen(opB);
    const askedOnA = await waitingOnA(tg, opA, opB);

    a.child.kill('SIGKILL');
    await a.waitForExit();

    // B takes the account and the run over once their leases run out, and runs the one call
    // that has no result yet: its system.run waits on the request A made (same id, same expiry).
    await waitFor(
      () => b.output().includes('taking over a run of a gateway that is gone'),
      LEASE_MS * 6,
      'B to take the run over',
    );
    expect(await opB.request('exec.approval.list', {})).toEqual([askedOnA]);
    await opB.request('exec.approval.resolve', { id: askedOnA.id, decision: 'deny' });
    await waitFor(
      () => tg.sentTexts(CHAT).some((t) => t.startsWith('scheduled ')),
      LEASE_MS * 6,
      'the answer from B',
    );
    await expectDeniedTurnFinishedByB(tg, opB, llm);
    // One request in all, announced once (by A), decided once (on B).
    expect(seenOnB).toEqual([askedOnA.id]);
    expect(await opB.request('exec.approval.get', { id: askedOnA.id })).toMatchObject({
      status: 'resolved',
      decision: 'deny',
      expiresAtMs: askedOnA.expiresAtMs,
    });
    expect(await opB.request('exec.approval.list', {})).toEqual([]);
  }, 120_000);

  it('an approval decided while no gateway owns the run reaches the gateway that takes the run over', async () => {
    const { llm, tg } = await fakes([MESSAGE, JOB, RUN], (_n, jobId) => `scheduled ${jobId}`);
    const { a, b, opA, opB } = await cluster('oc-takeover-decided:', llm, tg);
    const seenOnB = requestsSeen(opB);
    const askedOnA = await waitingOnA(tg, opA, opB);

    a.child.kill('SIGKILL');
    await a.waitForExit();
    // A is gone and its lease has not run out: nobody runs the turn while the operator allows it.
    await opB.request('exec.approval.resolve', { id: askedOnA.id, decision: 'allow-once' });
    expect(b.output()).not.toContain('taking over a run of a gateway that is gone');

    await waitFor(
      () => tg.sentTexts(CHAT).some((t) => t.startsWith('scheduled ')),
      LEASE_MS * 6,
      'the answer from B',
    );
    await marker(tg);
    expect(b.output()).toContain('taking over a run of a gateway that is gone');
    // The call went past the approval (to a node that is not there) instead of asking again.
    const result = messageText(llm.requests[1]!.messages.at(-1)!);
    expect(result).not.toContain('SYSTEM_RUN_DENIED');
    expect(result).toMatch(/^NODE_/);
    expect(seenOnB).toEqual([askedOnA.id]);
    expect(await opB.request('exec.approval.list', {})).toEqual([]);
  }, 120_000);

  it('an approval decided on another gateway reaches the run waiting for it', async () => {
    const { llm, tg } = await fakes([MESSAGE, JOB, RUN], (_n, jobId) => `scheduled ${jobId}`);
    const { opA, opB } = await cluster('oc-takeover-elsewhere:', llm, tg);
    const askedOnA = await waitingOnA(tg, opA, opB);
    await opB.request('exec.approval.resolve', { id: askedOnA.id, decision: 'deny' });
    await waitFor(
      () => tg.sentTexts(CHAT).some((t) => t.startsWith('scheduled ')),
      20_000,
      'the answer from A',
    );
    expect(tg.sent.filter((s) => s.chatId === CHAT).map((s) => s.via)).toEqual(['gw-a', 'gw-a']);
    expect(messageText(llm.requests[1]!.messages.at(-1)!)).toContain('SYSTEM_RUN_DENIED');
    expect(await opA.request('exec.approval.get', { id: askedOnA.id })).toMatchObject({
      status: 'resolved',
      decision: 'deny',
    });
  }, 120_000);

  it('a gateway frozen past its lease and woken after the takeover does not go on with the turn', async () => {
    const { llm, tg } = await fakes([MESSAGE, JOB], (n, jobId) =>
      n === 1 ? 'stale answer' : `scheduled ${jobId}`,
    );
    const { a, b, opB } = await cluster('oc-takeover-fence:', llm, tg);
    const release = await startTurnOnA(llm, tg, opB);

    a.child.kill('SIGSTOP');
    // A's held model call answers now; A reads it only when it wakes up.
    release();
    await waitFor(
      () => tg.sentTexts(CHAT).some((t) => t.startsWith('scheduled ')),
      LEASE_MS * 6,
      'the answer from B',
    );
    expect(b.output()).toContain('taking over a run of a gateway that is gone');

    a.child.kill('SIGCONT');
    await waitFor(
      () =>
        a.output().includes('run taken over by another gateway') ||
        tg.sentTexts(CHAT).includes('stale answer'),
      15_000,
      'A to act on its stale turn',
    );
    await marker(tg);
    const jobs = (await opB.request('cron.list', {})).jobs;
    expect(jobs).toHaveLength(1);
    expect(tg.sentTexts(CHAT)).toEqual(['working on it', `scheduled ${jobs[0]!.id}`, 'marker seen']);
    expectResumedFromStep(llm.requests[2]!, [MESSAGE, JOB]);
    // The session holds B's answer only.
    const sessionKey = await channelSessionKey(opB, 'telegram');
    const history = await opB.request('chat.history', { sessionKey: sessionKey! });
    const texts = history.messages.filter((m) => m.role === 'assistant').map((m) => m.text);
    expect(texts).not.toContain('stale answer');
    expect(texts).toContain(`scheduled ${jobs[0]!.id}`);
  }, 120_000);

  it('a gateway stopped cleanly (SIGTERM) mid-tool-call hands the turn over at once: another one finishes it long before the lease would run out', async ({
    annotate,
  }) => {
    // A lease this long makes a takeover by expiry impossible within the bounds asserted below.
    const LONG_LEASE_MS = 30_000;
    const { llm, tg } = await fakes([MESSAGE, JOB, RUN], (_n, jobId) => `scheduled ${jobId}`);
    const { a, b, opA, opB } = await cluster('oc-handover-term:', llm, tg, LONG_LEASE_MS);
    await askForEveryRun(opA);
    await dm(tg, 'ping me');
    // A has sent the message, added the job, and its system.run waits for an operator.
    const askedOnA = await eventually(
      async () => (await opA.request('exec.approval.list', {}))[0],
      30_000,
      'the approval A asks for',
    );
    // The message goes out through the outbox, on its own time.
    await messageDelivered(tg, opB);
    expect(tg.sentTexts(CHAT)).toEqual(['working on it']);

    const stoppedAt = performance.now();
    const exit = await a.stop('SIGTERM');
    // The stop stays within its bound (drain, then the runs' bounded stop), and is clean.
    expect(performance.now() - stoppedAt).toBeLessThan(10_000);
    expect(exit.code).toBe(0);
    expect(a.output()).toContain('runs handed over for another start');

    // B takes the turn over at once and runs the one call that has no result: its system.run
    // waits on B for the request A made.
    await waitFor(
      () => b.output().includes('taking over a run a stopping gateway handed over'),
      LONG_LEASE_MS,
      'B to take the run over',
    );
    const takenAfterMs = performance.now() - stoppedAt;
    const askedOnB = await eventually(
      async () =>
        (await opB.request('exec.approval.list', {})).find((x) => x.sessionKey === askedOnA.sessionKey),
      LONG_LEASE_MS,
      'the approval B waits for',
    );
    // The request A made, waited on by B: same id, same expiry.
    expect(askedOnB).toEqual(askedOnA);
    await opB.request('exec.approval.resolve', { id: askedOnB.id, decision: 'deny' });
    // The turn ends on B (its answer is in the session) …
    const sessionKey = askedOnA.sessionKey!;
    await eventually(
      async () =>
        (await opB.request('chat.history', { sessionKey })).messages.some(
          (m) => m.role === 'assistant' && m.text.startsWith('scheduled '),
        ),
      LONG_LEASE_MS,
      'the answer stored by B',
    );
    const endedAfterMs = performance.now() - stoppedAt;
    // … and reaches the chat once B owns the account (A freed it and told B, which takes it now).
    await waitFor(
      () => tg.sentTexts(CHAT).some((t) => t.startsWith('scheduled ')),
      LONG_LEASE_MS,
      'the answer from B',
    );
    const sentAfterMs = performance.now() - stoppedAt;
    await annotate(
      `after the stop: taken over in ${Math.round(takenAfterMs)} ms, ended in ${Math.round(endedAfterMs)} ms, sent in ${Math.round(sentAfterMs)} ms`,
    );
    // Only a handover makes these possible: the run's lease (and the account's) would have held
    // for LONG_LEASE_MS after A's last renewal. (B's own looks come every third of it; the notices
    // from A make them at once: 0.2–2 s here, depending on the load, as the annotation shows.)
    for (const ms of [takenAfterMs, endedAfterMs, sentAfterMs]) expect(ms).toBeLessThan(LONG_LEASE_MS / 3);

    // A's call cut short gave no result: the step's last result is B's denial.
    await expectDeniedTurnFinishedByB(tg, opB, llm);
    const results = (await opB.request('chat.history', { sessionKey })).messages.filter(
      (m) => m.role === 'toolResult',
    );
    expect(results).toHaveLength(3);
  }, 120_000);

  it('a gateway killed with a message queued behind its turn: another one answers both, in order, once each', async () => {
    const base = turnScript([MESSAGE, JOB], (_n, jobId) => `scheduled ${jobId}`);
    const script = (req: ChatRequest): ScriptedTurn => {
      const lastUser = [...req.messages].reverse().find((m) => m.role === 'user');
      if (lastUser && messageText(lastUser) === 'and then?') return { text: ['second answer'] };
      return base(req);
    };
    const { llm, tg } = await fakes([], () => '', script);
    const { a, b, opA, opB } = await cluster('oc-takeover-queue:', llm, tg);
    const release = await startTurnOnA(llm, tg, opB);
    await dm(tg, 'and then?');
    // The second message is stored on A and its run waits behind the turn.
    const sessionKey = await channelSessionKey(opA, 'telegram');
    await eventually(
      async () =>
        (await opA.request('chat.history', { sessionKey: sessionKey! })).messages.some(
          (m) => m.role === 'user' && m.text === 'and then?',
        ),
      15_000,
      'the second message stored on A',
    );

    a.child.kill('SIGKILL');
    await a.waitForExit();
    release();

    await waitFor(
      () => tg.sentTexts(CHAT).includes('second answer'),
      LEASE_MS * 8,
      'the answer to the queued message, from B',
    );
    await marker(tg);
    const jobs = (await opB.request('cron.list', {})).jobs;
    expect(jobs).toHaveLength(1);
    expect(tg.sentTexts(CHAT)).toEqual([
      'working on it',
      `scheduled ${jobs[0]!.id}`,
      'second answer',
      'marker seen',
    ]);
    expect(tg.sent.filter((s) => s.chatId === CHAT).map((s) => s.via)).toEqual([
      'gw-a',
      'gw-b',
      'gw-b',
      'gw-b',
    ]);
    // Model calls: step 1 (A), A's next one (cut off by the kill), the resumed turn (B), the
    // queued message's (B, after the turn), the marker's.
    expect(llm.requests).toHaveLength(5);
    expectResumedFromStep(llm.requests[2]!, [MESSAGE, JOB]);
    const lastUser = (i: number) =>
      messageText([...llm.requests[i]!.messages].reverse().find((m) => m.role === 'user')!);
    expect(lastUser(3)).toBe('and then?');
    // The queued run's context: the turn before it with its answer, then its own message, once.
    const queuedTurn = llm.requests[3]!.messages.filter((m) => m.role !== 'system');
    expect(queuedTurn.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool', 'assistant', 'user']);
    expect(messageText(queuedTurn[4]!)).toBe(`scheduled ${jobs[0]!.id}`);
    expect(b.output()).toContain('starting a run left waiting');
  }, 120_000);
});
