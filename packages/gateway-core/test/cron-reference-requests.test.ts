// The requests the reference's clients make of cron besides adding jobs, through a real core over
// a real WebSocket, each checked against the reference's own schema first: `cron.list` with its
// filters and sort, jobs named by `jobId` (its other name for `id`), `cron.run {mode: "due"}`,
// and a missing job answered in the reference's words.
import type { GatewayClient } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, type Harness, startHarness } from './harness.ts';
import { referenceErrors } from './reference-oracle.ts';

type Job = { id: string; name: string; nextRunAtMs: number | null; lastStatus: string | null };

describe('cron requests of the reference clients', () => {
  let h: Harness;
  let c: GatewayClient;
  /** A request as the reference may send it (its schema says so), answered by ours. */
  const call = async <T>(method: string, definition: string, params: Record<string, unknown>) => {
    expect(referenceErrors(definition, params)).toBe('');
    return (await (c.call as (m: string, p: unknown) => Promise<unknown>)(method, params)) as T;
  };
  const names = async (params: Record<string, unknown>) =>
    (await call<{ jobs: Job[] }>('cron.list', 'CronListParams', params)).jobs.map((j) => j.name);
  const agentJob = (name: string, schedule: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    call<Job>('cron.add', 'CronAddParams', {
      name,
      schedule,
      sessionTarget: 'isolated',
      wakeMode: 'now',
      payload: { kind: 'agentTurn', message: `${name} now` },
      delivery: { mode: 'none' },
      ...extra,
    });

  beforeAll(async () => {
    // The scheduler is paused: only requests run jobs here.
    h = await startHarness({ config: { cron: { enabled: false } } });
    c = await h.operator({ scopes: ['operator.read', 'operator.admin'] });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('cron.list filters by query, schedule kind, last run status and trigger, and sorts', async () => {
    const weekly = await agentJob('Weekly Digest', { kind: 'cron', expr: '0 7 * * 1', tz: 'UTC' });
    const hourly = await agentJob(
      'hourly ping',
      { kind: 'every', everyMs: 3_600_000 },
      { description: 'keeps alive' },
    );
    const soon = await agentJob('alpha soon', { kind: 'every', everyMs: 60_000 });
    await call('cron.run', 'CronRunParams', { id: hourly.id, mode: 'force' });
    await eventually(
      async () => (await call<Job>('cron.get', 'CronGetParams', { id: hourly.id })).lastStatus === 'ok',
    );

    expect(await names({ query: 'DIGEST' })).toEqual(['Weekly Digest']);
    expect(await names({ query: 'alive' })).toEqual(['hourly ping']);
    expect(await names({ query: soon.id })).toEqual(['alpha soon']);
    expect(await names({ scheduleKind: 'cron' })).toEqual(['Weekly Digest']);
    expect(await names({ scheduleKind: 'every' })).toEqual(['hourly ping', 'alpha soon']);
    expect(await names({ scheduleKind: 'stream' })).toEqual([]);
    expect(await names({ lastRunStatus: 'ok' })).toEqual(['hourly ping']);
    expect(await names({ lastRunStatus: 'unknown' })).toEqual(['Weekly Digest', 'alpha soon']);
    expect(await names({ trigger: 'conditional' })).toEqual([]);
    expect(await names({ trigger: 'unconditional' })).toHaveLength(3);

    expect(await names({ sortBy: 'name' })).toEqual(['alpha soon', 'hourly ping', 'Weekly Digest']);
    expect(await names({ sortBy: 'name', sortDir: 'desc' })).toEqual([
      'Weekly Digest',
      'hourly ping',
      'alpha soon',
    ]);
    expect(await names({ sortBy: 'nextRunAtMs' })).toEqual(['alpha soon', 'hourly ping', 'Weekly Digest']);
    // sortDir alone sorts by next run, as the reference does.
    expect(await names({ sortDir: 'desc' })).toEqual(['Weekly Digest', 'hourly ping', 'alpha soon']);
    await call('cron.update', 'CronUpdateParams', { id: weekly.id, patch: { description: 'Mondays' } });
    expect(await names({ sortBy: 'updatedAtMs', sortDir: 'desc', limit: 1 })).toEqual(['Weekly Digest']);
    expect(await names({ sortBy: 'updatedAtMs', limit: 1 })).toEqual(['hourly ping']);
    // Filters narrow the total the pages count.
    expect(await call('cron.list', 'CronListParams', { scheduleKind: 'every', limit: 1 })).toMatchObject({
      total: 2,
      hasMore: true,
      nextOffset: 1,
    });

    const previews = (p: Record<string, unknown>) =>
      call<{ deliveryPreviews: Record<string, unknown> }>('cron.list', 'CronListParams', p);
    expect(Object.keys((await previews({})).deliveryPreviews)).toHaveLength(3);
    expect((await previews({ compact: true })).deliveryPreviews).toEqual({});
    expect((await previews({ includeDeliveryPreviews: false })).deliveryPreviews).toEqual({});
    for (const j of [weekly, hourly, soon]) await call('cron.remove', 'CronRemoveParams', { jobId: j.id });
    expect(await names({})).toEqual([]);
  });

  it('cron.runs filters by status, delivery status and error text, and sorts', async () => {
    const quiet = await agentJob('quiet runs', { kind: 'every', everyMs: 3_600_000 });
    // Our layout (a send the reference cannot express): a channel no one configured fails the run.
    const broken = await c.request('cron.add', {
      name: 'broken send',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'send', channel: 'nowhere', to: '1', message: 'x' },
    });
    type Run = { runId: string; jobId: string; status: string; deliveryStatus?: string };
    const runs = (params: Record<string, unknown>) =>
      call<{ runs: Run[]; total: number }>('cron.runs', 'CronRunsParams', params);
    const runToEnd = async (id: string) => {
      const { runId } = await call<{ runId: string }>('cron.run', 'CronRunParams', { id, mode: 'force' });
      await eventually(async () => (await runs({ id, runId, limit: 1 })).runs[0]?.status !== 'running');
      return runId;
    };
    const first = await runToEnd(quiet.id);
    const second = await runToEnd(quiet.id);
    const failed = await runToEnd(broken.id);
    const ids = async (params: Record<string, unknown>) => (await runs(params)).runs.map((r) => r.runId);

    // scope all: every job's runs (the other tests' runs here all succeeded).
    expect(await ids({ scope: 'all', status: 'error' })).toEqual([failed]);
    expect(await ids({ id: quiet.id, statuses: ['ok'] })).toEqual([second, first]);
    expect(await ids({ jobId: quiet.id, sortDir: 'asc' })).toEqual([first, second]);
    expect(await ids({ jobId: quiet.id, deliveryStatus: 'not-requested' })).toEqual([second, first]);
    // The failed send has no delivery recorded: unknown.
    expect(await ids({ scope: 'all', deliveryStatuses: ['unknown'] })).toEqual([failed]);
    expect(await ids({ scope: 'all', query: 'NOWHERE' })).toEqual([failed]);
    expect(await runs({ id: quiet.id, status: 'ok', limit: 1 })).toMatchObject({
      total: 2,
      hasMore: true,
      nextOffset: 1,
    });
    for (const j of [quiet, broken]) await call('cron.remove', 'CronRemoveParams', { id: j.id });
  });

  it('a job is named by id or by jobId; a missing one is "cron job not found" (INVALID_REQUEST)', async () => {
    const job = await agentJob('by job id', { kind: 'every', everyMs: 3_600_000 });
    expect(await call<Job>('cron.get', 'CronGetParams', { jobId: job.id })).toMatchObject({ id: job.id });
    const renamed = await call<Job>('cron.update', 'CronUpdateParams', {
      jobId: job.id,
      patch: { name: 'renamed by job id' },
    });
    expect(renamed).toMatchObject({ id: job.id, name: 'renamed by job id' });
    const ran = await call<{ runId: string }>('cron.run', 'CronRunParams', { jobId: job.id, mode: 'force' });
    expect(ran).toMatchObject({ id: job.id, ok: true, enqueued: true });
    await eventually(
      async () => (await call<Job>('cron.get', 'CronGetParams', { id: job.id })).lastStatus === 'ok',
    );
    const missing = await call('cron.get', 'CronGetParams', { id: 'renamed by job id' }).catch(
      (e: unknown) => e,
    );
    expect(missing).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('cron job not found: renamed by job id'),
    });
    expect(await call('cron.remove', 'CronRemoveParams', { jobId: job.id })).toEqual({
      id: job.id,
      removed: true,
    });
    // Neither name is no job at all.
    const neither = await (c.call as (m: string, p: unknown) => Promise<unknown>)('cron.get', {}).catch(
      (e: unknown) => e,
    );
    expect(neither).toMatchObject({ code: 'INVALID_REQUEST', details: { code: 'PARAMS_INVALID' } });
  });

  it('cron.run {mode: "due"} runs a job only once its slot has come, and takes that slot', async () => {
    const job = await agentJob('due soon', { kind: 'every', everyMs: 3000 });
    const slot = job.nextRunAtMs!;
    expect(await call('cron.run', 'CronRunParams', { id: job.id, mode: 'due' })).toEqual({
      id: job.id,
      ok: true,
      enqueued: false,
      ran: false,
      reason: 'not-due',
    });
    await eventually(() => Date.now() >= slot, 5000, 50);
    const due = await call<{ runId: string; enqueued: boolean }>('cron.run', 'CronRunParams', {
      id: job.id,
      mode: 'due',
    });
    expect(due).toMatchObject({ ok: true, enqueued: true, status: 'queued' });
    const after = await call<Job>('cron.get', 'CronGetParams', { id: job.id });
    expect(after.nextRunAtMs).toBeGreaterThan(slot);
    const { runs } = await call<{ runs: { runId: string; trigger: string; scheduledAtMs: number }[] }>(
      'cron.runs',
      'CronRunsParams',
      { id: job.id, runId: due.runId, limit: 1 },
    );
    expect(runs[0]).toMatchObject({ trigger: 'schedule' });
    // The slot it took is gone: right away, the job is not due again.
    expect(await call('cron.run', 'CronRunParams', { id: job.id, mode: 'due' })).toMatchObject({
      reason: 'not-due',
    });
    await call('cron.update', 'CronUpdateParams', { id: job.id, patch: { enabled: false } });
    await eventually(() => Date.now() >= after.nextRunAtMs! + 10, 5000, 50);
    // A disabled job is never due.
    expect(await call('cron.run', 'CronRunParams', { id: job.id, mode: 'due' })).toMatchObject({
      reason: 'not-due',
    });
    await call('cron.remove', 'CronRemoveParams', { id: job.id });
  });
});
