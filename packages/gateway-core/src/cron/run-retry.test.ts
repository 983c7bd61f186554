import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore, type SqliteStore } from '../store/sqlite-store.ts';
import type { FailureReason } from '../store/types.ts';
import { testCronService } from '../testing/test-cron-service.ts';
import { ManualClock } from '../util/clock.ts';
import { isTransientError } from './run-retry.ts';

// When a job runs next after a run, as the reference's scheduler decides it, on a real SQLite
// store with a clock the test moves: a run by hand keeps a one-shot job's time, a one-shot job is
// tried again after a transient error, and a recurring job backs off after failed runs.
const T0 = 1_700_000_000_000;
type Failure = string | { error: string; errorReason?: FailureReason } | undefined;
const S = 1000;
const MIN = 60 * S;

describe('when a job runs next', () => {
  let store: SqliteStore | undefined;
  let dir = '';
  afterEach(async () => {
    store?.close();
    store = undefined;
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = '';
  });
  /** A scheduler whose turns fail with the error each job's message names ('ok': they succeed). */
  const rig = async () => {
    dir = await mkdtemp(join(tmpdir(), 'oc-cron-retry-'));
    store = createSqliteStore({ path: join(dir, 'gateway.db') });
    const clock = new ManualClock(T0);
    // A failure is its message, or its message and the reason its provider's answer gave.
    const errors = new Map<string, Failure[]>();
    const cron = testCronService({
      store,
      clock,
      runAgent: async (_action, job) => {
        const f = errors.get(job.id)?.shift();
        const failed = typeof f === 'string' ? { error: f } : f;
        return {
          runId: undefined,
          outcome: Promise.resolve(failed?.error ? { ok: false, ...failed } : { ok: true }),
        };
      },
    });
    await cron.start();
    const add = (name: string, schedule: Parameters<typeof cron.add>[0]['schedule'], fails: Failure[] = []) =>
      cron
        .add({
          name,
          schedule,
          deleteAfterRun: schedule.kind === 'at',
          action: { kind: 'agent', message: name },
        })
        .then((job) => {
          errors.set(job.id, fails);
          return job;
        });
    const at = (ms: number) => ({ kind: 'at' as const, at: new Date(ms).toISOString() });
    /** Move the clock to `ms`, fire what is due there, and wait for its runs. */
    const tickAt = async (ms: number) => {
      clock.advance(ms - clock.now());
      const ids = await cron.tick();
      await cron.settled();
      return ids;
    };
    const state = async (id: string) => {
      const job = await cron.get(id).catch(() => undefined);
      return job && { enabled: job.enabled, nextRunAtMs: job.state.nextRunAtMs };
    };
    return { cron, clock, add, at, tickAt, state };
  };

  it('a run by hand before a one-shot job’s time keeps the job for that time, ok or failed; it fires then', async () => {
    const { cron, add, at, tickAt, state } = await rig();
    const once = await add('once', at(T0 + 60 * MIN), ['fetch failed']);
    for (let i = 0; i < 2; i++) {
      await cron.runNow(once.id);
      await cron.settled();
      // Neither the failed nor the successful run removed it, turned it off or moved its time.
      expect(await state(once.id)).toEqual({ enabled: true, nextRunAtMs: T0 + 60 * MIN });
    }
    expect((await cron.runs({ jobId: once.id })).map((r) => [r.trigger, r.status])).toEqual([
      ['manual', 'error'],
      ['manual', 'ok'],
    ]);
    // Paused, it stays paused and keeps its time.
    await cron.update(once.id, { enabled: false });
    await cron.runNow(once.id);
    await cron.settled();
    expect((await cron.get(once.id)).enabled).toBe(false);
    await cron.update(once.id, { enabled: true });
    expect(await tickAt(T0 + 60 * MIN)).toHaveLength(1);
    expect(await state(once.id)).toBeUndefined();
  });

  it('a one-shot job is tried again after a transient error: 30 s, 1 min, 5 min after each; then turned off; a permanent error turns it off at once', async () => {
    const { cron, add, at, tickAt, state } = await rig();
    const t = T0 + MIN;
    const job = await add('flaky', at(t), [
      '429 Too Many Requests',
      'fetch failed',
      'request timed out',
      'overloaded',
    ]);
    const permanent = await add('denied', at(t), ['invalid api key']);
    expect(await tickAt(t)).toHaveLength(2);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 30 * S });
    expect(await state(permanent.id)).toEqual({ enabled: false, nextRunAtMs: undefined });
    expect(await tickAt(t + 29 * S)).toEqual([]);
    expect(await tickAt(t + 30 * S)).toHaveLength(1);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 90 * S });
    expect(await tickAt(t + 90 * S)).toHaveLength(1);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 90 * S + 5 * MIN });
    expect(await tickAt(t + 90 * S + 5 * MIN)).toHaveLength(1);
    // The fourth failure in a row: its retries are spent.
    expect(await state(job.id)).toEqual({ enabled: false, nextRunAtMs: undefined });
    expect((await cron.get(job.id)).state.consecutiveErrors).toBe(4);
    expect(await tickAt(t + 60 * MIN)).toEqual([]);

    // A retry that succeeds ends the job as a run at its time would have.
    const once = await add('once', at(T0 + 2 * 60 * MIN), ['socket hang up']);
    await tickAt(T0 + 2 * 60 * MIN);
    expect(await tickAt(T0 + 2 * 60 * MIN + 30 * S)).toHaveLength(1);
    expect(await state(once.id)).toBeUndefined();
  });

  it('a recurring job’s next run is pushed out after failed runs in a row (30 s, 1, 5, 15, 60 min); a success brings its schedule back', async () => {
    const { cron, add, tickAt, state } = await rig();
    const fails = Array.from({ length: 6 }, (_, i) => `boom ${i + 1}`);
    const job = await add('every10s', { kind: 'every', everyMs: 10 * S }, fails);
    await tickAt(T0 + 10 * S);
    let ended = T0 + 10 * S;
    for (const backoff of [30 * S, MIN, 5 * MIN, 15 * MIN, 60 * MIN]) {
      const next = ended + backoff;
      expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: next });
      expect(await tickAt(next - S)).toEqual([]);
      expect(await tickAt(next)).toHaveLength(1);
      ended = next;
    }
    // The sixth failure waits 60 min again; the run after it succeeds: every 10 s again.
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: ended + 60 * MIN });
    await tickAt(ended + 60 * MIN);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: ended + 60 * MIN + 10 * S });
    // A failed run by hand moves nothing (as the reference's: it keeps the job's cadence).
    fails.push('boom by hand');
    await cron.runNow(job.id);
    await cron.settled();
    expect((await cron.get(job.id)).state).toMatchObject({ lastStatus: 'error', consecutiveErrors: 1 });
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: ended + 60 * MIN + 10 * S });
  });

  it('a recurring job is tried again 30 s, 1 min, 5 min after transient errors when that comes before its next run, which then runs once; not after a permanent one', async () => {
    const { cron, add, tickAt, state } = await rig();
    const HOUR = 60 * MIN;
    const t = T0 + HOUR;
    const job = await add('hourly', { kind: 'every', everyMs: HOUR }, [
      { error: 'the model server is rate limiting (429)', errorReason: 'rate_limit' },
      // A 500 whose text names no server error: its reason decides.
      { error: 'the model server answered 500: The server had an error', errorReason: 'server_error' },
      'fetch failed',
      'request timed out',
    ]);
    // A 401 whose text reads as transient: its reason decides, it waits for its next run.
    const denied = await add('denied', { kind: 'every', everyMs: HOUR }, [
      { error: 'the model server rejected the API key (401): request timed out', errorReason: 'auth' },
    ]);
    expect(await tickAt(t)).toHaveLength(2);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 30 * S });
    expect(await state(denied.id)).toEqual({ enabled: true, nextRunAtMs: t + HOUR });
    expect(await tickAt(t + 29 * S)).toEqual([]);
    expect(await tickAt(t + 30 * S)).toHaveLength(1);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 90 * S });
    expect(await tickAt(t + 90 * S)).toHaveLength(1);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 90 * S + 5 * MIN });
    expect(await tickAt(t + 90 * S + 5 * MIN)).toHaveLength(1);
    // The fourth failure in a row: the retries are spent, its next scheduled run comes (the
    // 15-minute backoff ends before it).
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + HOUR });
    expect(await tickAt(t + HOUR - S)).toEqual([]);
    // That run (a success) is the job's only one there, and the next is its schedule's again.
    expect(await tickAt(t + HOUR)).toHaveLength(2);
    expect(await state(job.id)).toEqual({ enabled: true, nextRunAtMs: t + 2 * HOUR });
    expect((await cron.runs({ jobId: job.id })).map((r) => [r.status, r.startedAtMs - t])).toEqual([
      ['ok', HOUR],
      ['error', 90 * S + 5 * MIN],
      ['error', 90 * S],
      ['error', 30 * S],
      ['error', 0],
    ]);

    // A retry due after the next scheduled run is not made: that run comes first, and only it.
    const often = await add('every20s', { kind: 'every', everyMs: 20 * S }, ['429 Too Many Requests']);
    const at = Math.ceil((t + HOUR + S - often.createdAtMs) / (20 * S)) * 20 * S + often.createdAtMs;
    await tickAt(at);
    const after = (await state(often.id))?.nextRunAtMs;
    // The backoff (30 s) pushes the 20-s schedule's next run out; the job fires once there.
    expect(after).toBe(at + 30 * S);
    expect(await tickAt(at + 20 * S)).toEqual([]);
    expect(await tickAt(at + 30 * S)).toHaveLength(1);
    expect((await cron.runs({ jobId: often.id })).map((r) => r.status)).toEqual(['ok', 'error']);
  });

  it('counts rate limits, overload, network failures, timeouts and server errors as transient', () => {
    for (const e of [
      'HTTP 429: rate limit exceeded',
      'Too Many Requests',
      'status 529 overloaded',
      'fetch failed',
      'connect ECONNREFUSED 127.0.0.1:443',
      'The operation timed out',
      'status code 503',
      'Bad Gateway',
    ])
      expect([e, isTransientError(e)]).toEqual([e, true]);
    for (const e of ['invalid api key', 'model not found', 'job 500 of 700 failed', undefined])
      expect([e, isTransientError(e)]).toEqual([e, false]);
  });
});
