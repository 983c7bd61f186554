// The reference job layout (`payload`, `sessionTarget`, `wakeMode`, `delivery`) through a real core
// over a real WebSocket: what its CLI's `cron add` / `cron edit` send is taken or refused by name
// (never dropped as unknown), and jobs read back with the reference view its `cron list` renders.
// Requests are checked against the reference's published schema, so they are what its CLI may send.
import type { GatewayClient } from '@openclaw/protocol';
import { resultValidator } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobSessionKey } from '../src/cron/job-agent.ts';
import type { CronJobRecord } from '../src/store/types.ts';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors, referenceSubErrors } from './reference-oracle.ts';

type Job = CronJobRecord & Record<string, unknown>;

describe('cron jobs in the reference layout', () => {
  let h: Harness;
  let c: GatewayClient;
  const call = (method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params);
  /** A reference `cron.add`, checked against the reference's own schema first. */
  const add = async (params: Record<string, unknown>) => {
    expect(referenceErrors('CronAddParams', params)).toBe('');
    return (await call('cron.add', params)) as Job;
  };
  const runToEnd = async (id: string) => {
    const { runId } = (await call('cron.run', { id, mode: 'force' })) as { runId: string };
    return eventually(async () => {
      const { runs } = (await call('cron.runs', { id, runId })) as {
        runs: { status: string; agentRunId?: string; deliveryError?: string }[];
      };
      return runs[0]?.status === 'ok' ? runs[0] : undefined;
    }, 10_000);
  };
  const transcript = async (job: Job) =>
    (await h.core.sessions.history(jobSessionKey(job), 50)).messages.map((m) => m.text);

  beforeAll(async () => {
    h = await startHarness();
    c = await h.operator({ scopes: ['operator.read', 'operator.admin'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('adds an isolated agent turn; the reference view validates against its schema', async () => {
    const job = await add({
      name: 'digest',
      enabled: true,
      schedule: { kind: 'cron', expr: '0 7 * * *', tz: 'UTC' },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'summarise' },
      delivery: { mode: 'none', channel: 'last' },
    });
    expect(job).toMatchObject({
      action: { kind: 'agent', message: 'summarise', freshSession: true },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'summarise' },
      delivery: { mode: 'none' },
      schedule: { kind: 'cron', expr: '0 7 * * *', tz: 'UTC', staggerMs: 0 },
      effectiveAgentId: 'main',
      state: { nextRunAtMs: job.nextRunAtMs },
    });
    for (const field of ['schedule', 'sessionTarget', 'wakeMode', 'payload', 'delivery', 'state'])
      expect(referenceSubErrors('CronJob', ['properties', field], job[field]), field).toBe('');
  });

  it('refuses what it cannot run with the field named, and stores nothing', async () => {
    const before = ((await call('cron.list', {})) as { total: number }).total;
    const base = {
      name: 'refused',
      schedule: { kind: 'every', everyMs: 60_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
    };
    const cases: [Record<string, unknown>, string][] = [
      [{ ...base, payload: { kind: 'command', argv: ['sh', '-lc', 'ls'] } }, '/payload/kind'],
      // A main-session job queues its event in the main session: there is no chat to announce to.
      [
        {
          ...base,
          sessionTarget: 'main',
          payload: { kind: 'systemEvent', text: 'x' },
          delivery: { mode: 'announce', channel: 'telegram', to: '42' },
        },
        '/delivery/mode',
      ],
      [
        {
          ...base,
          payload: { kind: 'agentTurn', message: 'm' },
          delivery: { mode: 'announce', channel: 'last', to: 'telegram:42' },
        },
        '/delivery/channel',
      ],
      [{ ...base, payload: { kind: 'agentTurn', message: 'm' }, declarationKey: 'brief' }, '/declarationKey'],
    ];
    for (const [params, path] of cases) {
      expect(referenceErrors('CronAddParams', params)).toBe('');
      await expect(call('cron.add', params)).rejects.toMatchObject({
        code: 'INVALID_REQUEST',
        details: { code: 'CRON_FIELD_UNSUPPORTED', path },
      });
    }
    expect(((await call('cron.list', {})) as { total: number }).total).toBe(before);
  });

  it("the CLI's default announce (channel last) goes to the chat of the job's session, else records why not", async () => {
    // A chat's session, as a direct message makes it: its row keeps the chat (its route).
    await h.core.store.sessions.ensure({
      key: 'telegram:default:42',
      kind: 'channel',
      channel: 'telegram',
      accountId: 'default',
      chatId: '42',
      createdAtMs: Date.now(),
    });
    const announceLast = { mode: 'announce', channel: 'last' };
    const base = {
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      delivery: announceLast,
    };
    const keyed = await add({
      ...base,
      name: 'to-the-chat',
      sessionKey: 'telegram:default:42',
      payload: { kind: 'agentTurn', message: 'morning' },
    });
    const plain = await add({ ...base, name: 'nowhere', payload: { kind: 'agentTurn', message: 'lost' } });
    const webchat = await add({
      ...base,
      name: 'webchat',
      sessionTarget: 'session:notes',
      payload: { kind: 'agentTurn', message: 'noted' },
    });
    expect(keyed).toMatchObject({ sessionKey: 'telegram:default:42', delivery: announceLast });
    expect(plain).toMatchObject({ sessionTarget: 'isolated', delivery: announceLast });
    expect(plain).not.toHaveProperty('sessionKey');
    for (const job of [keyed, plain, webchat])
      for (const field of ['sessionKey', 'sessionTarget', 'delivery'])
        if (job[field] !== undefined)
          expect(referenceSubErrors('CronJob', ['properties', field], job[field]), field).toBe('');

    // The turn answers that chat (the reply goes out through the outbox under the run's id; no
    // channel is configured here, the process and interop tests see it arrive on Telegram).
    const { runId } = (await call('cron.run', { id: keyed.id, mode: 'force' })) as { runId: string };
    const agentRunId = await eventually(async () => {
      const { runs } = (await call('cron.runs', { id: keyed.id, runId })) as {
        runs: { agentRunId?: string }[];
      };
      return runs[0]?.agentRunId;
    }, 10_000);
    expect((await h.core.store.runs.get(agentRunId))?.deliverTo).toEqual({
      channel: 'telegram',
      accountId: 'default',
      chatId: '42',
    });

    // No chat to go to: the turn runs, its reply stays in the session, and the run says why.
    for (const [job, why] of [
      [plain, /^no last route: the job runs in its own session and names no chat session/],
      // Found when the job runs: before its first run the named session is not there yet; then it
      // is the job's own session, no chat.
      [webchat, /^no last route: session notes does not exist$/],
      [webchat, /^no last route: session notes is not a channel chat$/],
    ] as const) {
      const run = await runToEnd(job.id);
      expect(run).toMatchObject({
        status: 'ok',
        deliveryStatus: 'not-delivered',
        delivered: false,
        completionStatus: 'failed',
      });
      expect(run.deliveryError).toMatch(why);
      const agentRun = await h.core.store.runs.get(run.agentRunId ?? '');
      expect(agentRun?.status).toBe('ok');
      expect(agentRun?.deliverTo).toBeUndefined();
    }
    expect(await transcript(plain)).toEqual(['lost', 'echo: lost']);
    for (const job of [keyed, plain, webchat]) await call('cron.remove', { id: job.id });
  });

  it('an isolated job starts every run afresh; a session:<key> job builds on its history', async () => {
    const fresh = await add({
      name: 'fresh',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'first' },
      delivery: { mode: 'none' },
    });
    const kept = await add({
      name: 'kept',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'session:standup',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'first' },
    });
    for (const job of [fresh, kept]) await runToEnd(job.id);
    // `cron edit <id> --message second` sends the payload kind and the new message only.
    for (const job of [fresh, kept]) {
      const edited = (await call('cron.update', {
        id: job.id,
        patch: { payload: { kind: 'agentTurn', message: 'second' } },
      })) as Job;
      expect(edited).toMatchObject({ payload: { message: 'second' }, sessionTarget: job.sessionTarget });
      await runToEnd(job.id);
    }
    expect(await transcript(fresh)).toEqual(['second', 'echo: second']);
    expect(await transcript(kept)).toEqual(['first', 'echo: first', 'second', 'echo: second']);
  });

  it('cron.list pages carry the reference view and a delivery preview per job', async () => {
    const job = await add({
      name: 'announced',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'hello' },
      delivery: { mode: 'announce', channel: 'telegram', to: '-100123', threadId: 7 },
    });
    const page = (await call('cron.list', { includeDisabled: false, limit: 200, offset: 0 })) as {
      jobs: Job[];
      deliveryPreviews: Record<string, { label: string; detail: string }>;
    };
    expect(resultValidator('cron.list')?.issues(page)).toEqual([]);
    expect(page.jobs.find((j) => j.id === job.id)).toMatchObject({
      delivery: { mode: 'announce', channel: 'telegram', to: '-100123', threadId: '7' },
    });
    expect(page.deliveryPreviews[job.id]).toEqual({
      label: 'announce -> telegram:-100123',
      detail: 'named in the job',
    });
    for (const j of page.jobs)
      expect(referenceSubErrors('CronJob', ['properties', 'state'], j.state)).toBe('');
  });

  it('a one-shot job in the reference layout is removed once it has run', async () => {
    const job = await add({
      name: 'once',
      // Fired at its time: a run by hand before then would keep the job for that time.
      schedule: { kind: 'at', at: new Date(Date.now() + 1500).toISOString() },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'just once' },
    });
    expect(job.deleteAfterRun).toBe(true);
    const gone = await eventually(
      () =>
        call('cron.get', { id: job.id }).then(
          () => undefined,
          (e: unknown) => e,
        ),
      10_000,
    );
    expect(gone).toMatchObject({ code: 'INVALID_REQUEST', details: { code: 'CRON_JOB_UNKNOWN' } });
    // Its runs stay readable, with the completion the reference CLI's `cron run --wait` needs.
    const { runs } = (await call('cron.runs', { id: job.id })) as { runs: Record<string, unknown>[] };
    expect(runs[0]).toMatchObject({
      status: 'ok',
      deliveryStatus: 'not-requested',
      completionStatus: 'succeeded',
    });
  });
  it('keeps a display label and a stagger window: the job fires at its own offset; cron.update sets and clears them', async () => {
    const job = await add({
      name: 'brief',
      displayName: 'Morning brief',
      schedule: { kind: 'cron', expr: '0 * * * *', tz: 'UTC', staggerMs: 300_000 },
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: 'brief' },
      delivery: { mode: 'none' },
    });
    expect(job).toMatchObject({
      displayName: 'Morning brief',
      schedule: { kind: 'cron', expr: '0 * * * *', tz: 'UTC', staggerMs: 300_000 },
    });
    expect(referenceSubErrors('CronJob', ['properties', 'displayName'], job.displayName)).toBe('');
    // Its next run is an hour's start plus the job's own offset within the window.
    const offset = (job.nextRunAtMs as number) % 3_600_000;
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(300_000);
    const stored = await h.core.store.cron.get(job.id);
    expect(stored).toMatchObject({ displayName: 'Morning brief', schedule: { staggerMs: 300_000 } });

    const update = async (patch: Record<string, unknown>) => {
      expect(referenceErrors('CronUpdateParams', { id: job.id, patch })).toBe('');
      return (await call('cron.update', { id: job.id, patch })) as Job;
    };
    // `cron edit --exact`: the schedule again, with no window; exactly on the hour.
    const exact = await update({ schedule: { kind: 'cron', expr: '0 * * * *', tz: 'UTC', staggerMs: 0 } });
    expect(exact.schedule).toEqual({ kind: 'cron', expr: '0 * * * *', tz: 'UTC', staggerMs: 0 });
    expect((exact.nextRunAtMs as number) % 3_600_000).toBe(0);
    expect((await update({ displayName: 'Brief' })).displayName).toBe('Brief');
    const cleared = await update({ displayName: null });
    expect(cleared).not.toHaveProperty('displayName');
    expect(await h.core.store.cron.get(job.id)).not.toHaveProperty('displayName');
    await call('cron.remove', { id: job.id });
  });
});
