// A cron run a crash cut short, through a real core on a real SQLite store: the rows a process
// killed mid-run leaves behind (the cron run and its agent turn still running) are written first,
// then a gateway starts on them. With its turn not resumed (resumeInterrupted off), the run ends
// interrupted, with no model reason: a one-shot job is tried again and a recurring one waits for
// its schedule, as the reference's does. With its turn resumed, the run ends as that turn does,
// and nothing is run twice. The clock is the test's; the fake model server answers every turn.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeOpenAi } from '@openclaw/test-fakes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GatewayCore } from '../src/gateway-core.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { ManualClock } from '../src/util/clock.ts';
import { cronCore } from './cron-core.ts';
import { referenceSubErrors } from './reference-oracle.ts';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const S = 1000;
const HOUR = 3600 * S;

describe('a cron run cut short by a crash', () => {
  let fake: FakeOpenAi;
  let dir = '';
  beforeAll(async () => {
    fake = await FakeOpenAi.start({ reply: () => ['done'] });
    dir = await mkdtemp(join(tmpdir(), 'oc-cron-interrupted-'));
  });
  afterAll(async () => {
    await fake?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /**
   * A gateway on a store where a one-shot and an hourly job were each mid-run when the process
   * died (what the scheduler and the agent had written by then), started at T0 + 1 min.
   */
  async function afterCrash(name: string, resumeInterrupted: boolean) {
    const clock = new ManualClock(T0);
    const start = () =>
      cronCore(dir, { name, clock, model: { baseUrl: fake.baseUrl, name: 'main-model', resumeInterrupted } });
    const before = await start();
    const once = await before.cron.add({
      name: 'once',
      schedule: { kind: 'at', at: new Date(T0).toISOString() },
      action: { kind: 'agent', message: 'once' },
    });
    const hourly = await before.cron.add({
      name: 'hourly',
      schedule: { kind: 'every', everyMs: HOUR, anchorMs: T0 },
      action: { kind: 'agent', message: 'hourly' },
    });
    await before.close();
    const store = createSqliteStore({ path: join(dir, `${name}.db`) });
    for (const job of [once, hourly]) {
      const sessionKey = `cron:${job.id}`;
      await store.sessions.ensure({ key: sessionKey, kind: 'webchat', createdAtMs: T0 });
      const agentRunId = `run-${job.id}`;
      await store.runs.create({
        runId: agentRunId,
        sessionKey,
        source: 'cron',
        status: 'running',
        message: job.name,
        createdAtMs: T0,
        startedAtMs: T0,
      });
      // The scheduler took the slot (the next run moved on) and recorded the run as running.
      const record = (await store.cron.get(job.id))!;
      await store.cron.put({ ...record, nextRunAtMs: job.name === 'once' ? null : T0 + HOUR });
      await store.cron.putRun({
        runId: `cron-${job.id}`,
        jobId: job.id,
        trigger: 'schedule',
        status: 'running',
        scheduledAtMs: T0,
        startedAtMs: T0,
        endedAtMs: null,
        agentRunId,
        delivers: false,
      });
    }
    await store.close();
    clock.advance(60 * S);
    const core = await start();
    await core.cron.settled();
    return { core, clock, once: once.id, hourly: hourly.id };
  }

  /** A job's state as clients see it, checked against the reference's schema of it. */
  const stateOf = async (core: GatewayCore, id: string) => {
    const { state, enabled } = await core.cron.get(id);
    expect(referenceSubErrors('CronJob', ['properties', 'state'], state)).toBe('');
    return { ...state, enabled };
  };

  it('not resumed, it ends interrupted: a one-shot job is tried again 30 s later, a recurring one waits for its schedule (as the reference)', async () => {
    const { core, clock, once, hourly } = await afterCrash('interrupted', false);
    try {
      const ended = T0 + 60 * S;
      for (const id of [once, hourly]) {
        const state = await stateOf(core, id);
        expect(state).toMatchObject({
          enabled: true,
          lastStatus: 'error',
          consecutiveErrors: 1,
          nextRunAtMs: id === once ? ended + 30 * S : T0 + HOUR,
        });
        expect(state.lastErrorReason).toBeUndefined();
        const [run] = await core.cron.runs({ jobId: id });
        expect(run).toMatchObject({ status: 'error', error: 'the gateway restarted during this run' });
        expect(run!.errorReason).toBeUndefined();
      }
      const requests = fake.requests.length;
      clock.advance(30 * S);
      expect(await core.cron.tick()).toHaveLength(1);
      await core.cron.settled();
      expect(fake.requests.length - requests).toBe(1);
      // The one-shot job ran: it is done (turned off); the hourly one still waits for its hour.
      expect(await stateOf(core, once)).toMatchObject({ enabled: false, lastStatus: 'ok' });
      expect(await stateOf(core, hourly)).toMatchObject({
        enabled: true,
        lastStatus: 'error',
        consecutiveErrors: 1,
        nextRunAtMs: T0 + HOUR,
      });
    } finally {
      await core.close();
    }
  });

  it('resumed after the restart, it ends as its turn does: ok, and no retry runs it again', async () => {
    const { core, once, hourly } = await afterCrash('resumed', true);
    try {
      for (const id of [once, hourly]) {
        const [run] = await core.cron.runs({ jobId: id });
        expect(run).toMatchObject({ status: 'ok' });
        expect((await core.cron.runs({ jobId: id })).length).toBe(1);
      }
      expect(await stateOf(core, once)).toMatchObject({ enabled: false, lastStatus: 'ok' });
      expect(await stateOf(core, hourly)).toMatchObject({ lastStatus: 'ok', nextRunAtMs: T0 + HOUR });
    } finally {
      await core.close();
    }
  });
});
