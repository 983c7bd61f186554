import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventPayload } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { GatewayCore } from '../src/gateway-core.ts';
import { ManualClock } from '../src/util/clock.ts';
import { cronCore } from './cron-core.ts';

const T0 = Date.parse('2026-11-25T12:00:00Z');

describe('cron with an injected clock', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
  });

  async function boot(
    dir: string,
    clock: ManualClock,
  ): Promise<{ core: GatewayCore; events: EventPayload<'cron'>[] }> {
    const core = await cronCore(dir, { clock });
    const events: EventPayload<'cron'>[] = [];
    core.bus.tap((event, payload) => {
      if (event === 'cron') events.push(payload as EventPayload<'cron'>);
    });
    return { core, events };
  }

  async function tmp(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'oc-cron-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  }

  it('fires on schedule (cron expression in a time zone), once per slot, records runs and announces them', async () => {
    const dir = await tmp();
    const clock = new ManualClock(T0);
    const { core, events } = await boot(dir, clock);
    cleanup.push(() => core.close());
    const job = await core.cron.add({
      name: 'every five minutes',
      schedule: { kind: 'cron', expr: '*/5 * * * *', tz: 'UTC' },
      action: { kind: 'agent', message: 'status please', sessionKey: 'cron-session' },
    });
    expect(job.nextRunAtMs).toBe(T0 + 5 * 60_000);
    const ny = await core.cron.add({
      name: 'morning',
      schedule: { kind: 'cron', expr: '0 9 * * *', tz: 'America/New_York' },
      action: { kind: 'agent', message: 'good morning' },
    });
    // 09:00 in New York in late November (EST, UTC-5) is 14:00 UTC.
    expect(new Date(ny.nextRunAtMs!).toISOString()).toBe('2026-11-25T14:00:00.000Z');

    clock.advance(4 * 60_000);
    expect(await core.cron.tick()).toEqual([]);
    clock.advance(60_000);
    const fired = await core.cron.tick();
    expect(fired).toHaveLength(1);
    expect(await core.cron.tick()).toEqual([]);
    await core.cron.settled();
    const runs = await core.cron.runs({ jobId: job.id });
    expect(runs).toMatchObject([{ trigger: 'schedule', status: 'ok', scheduledAtMs: T0 + 5 * 60_000 }]);
    const history = await core.sessions.history('cron-session', 10);
    expect(history.messages.map((m) => m.text)).toEqual(['status please', 'echo: status please']);
    expect(events.filter((e) => e.jobId === job.id).map((e) => [e.phase, e.status])).toEqual([
      ['start', 'running'],
      ['finish', 'ok'],
    ]);
    expect((await core.cron.get(job.id)).nextRunAtMs).toBe(T0 + 10 * 60_000);
    clock.advance(5 * 60_000);
    expect(await core.cron.tick()).toHaveLength(1);
    await core.cron.settled();
    expect(await core.cron.runs({ jobId: job.id })).toHaveLength(2);
    expect((await core.cron.status()).jobs).toBe(2);
  });

  it('jobs persist across a restart; missed firings run once or are skipped, as the job says', async () => {
    const dir = await tmp();
    const clock = new ManualClock(T0);
    const first = await boot(dir, clock);
    const runOnce = await first.core.cron.add({
      name: 'hourly',
      schedule: { kind: 'every', everyMs: 3600_000 },
      action: { kind: 'agent', message: 'tick', sessionKey: 'h' },
      missedPolicy: 'run-once',
    });
    const skip = await first.core.cron.add({
      name: 'hourly-skip',
      schedule: { kind: 'every', everyMs: 3600_000 },
      action: { kind: 'agent', message: 'tock', sessionKey: 'k' },
      missedPolicy: 'skip',
    });
    await first.core.close();
    // Down for three hours and a bit.
    clock.advance(3 * 3600_000 + 60_000);
    const second = await boot(dir, clock);
    cleanup.push(() => second.core.close());
    await second.core.cron.settled();
    const a = await second.core.cron.runs({ jobId: runOnce.id });
    expect(a).toMatchObject([{ trigger: 'missed', status: 'ok', scheduledAtMs: T0 + 3600_000 }]);
    const b = await second.core.cron.runs({ jobId: skip.id });
    expect(b).toMatchObject([{ trigger: 'missed', status: 'skipped' }]);
    // Next firings are computed from now, not replayed one by one.
    expect((await second.core.cron.get(runOnce.id)).nextRunAtMs).toBe(T0 + 4 * 3600_000);
    expect((await second.core.cron.list()).map((j) => j.name)).toEqual(['hourly', 'hourly-skip']);
  });

  it('manual runs, one-shot jobs, updates, removal and invalid schedules', async () => {
    const dir = await tmp();
    const clock = new ManualClock(T0);
    const { core } = await boot(dir, clock);
    cleanup.push(() => core.close());
    const once = await core.cron.add({
      name: 'once',
      schedule: { kind: 'at', at: new Date(T0 + 60_000).toISOString() },
      action: { kind: 'agent', message: 'only once', sessionKey: 'o' },
    });
    clock.advance(60_000);
    expect(await core.cron.tick()).toHaveLength(1);
    await core.cron.settled();
    expect((await core.cron.get(once.id)).nextRunAtMs).toBeNull();
    clock.advance(3600_000);
    expect(await core.cron.tick()).toEqual([]);
    const manual = await core.cron.runNow(once.id);
    await core.cron.settled();
    expect(await core.cron.runs({ runId: manual })).toMatchObject([{ trigger: 'manual', status: 'ok' }]);
    const disabled = await core.cron.update(once.id, { enabled: false, name: 'renamed' });
    expect(disabled).toMatchObject({ enabled: false, name: 'renamed' });
    await expect(
      core.cron.add({
        name: 'bad',
        schedule: { kind: 'cron', expr: 'not a cron' },
        action: { kind: 'agent', message: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'CRON_SCHEDULE_INVALID' });
    await expect(
      core.cron.add({
        name: 'bad tz',
        schedule: { kind: 'cron', expr: '* * * * *', tz: 'Mars/Olympus' },
        action: { kind: 'agent', message: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'CRON_SCHEDULE_INVALID' });
    await expect(core.cron.get('nope')).rejects.toMatchObject({ code: 'CRON_JOB_UNKNOWN' });
    expect(await core.cron.remove(once.id)).toBe(true);
    expect(await core.cron.list()).toEqual([]);
  });
});

describe('cron methods over the protocol', () => {
  it('add, list, run, runs, update, remove; invalid schedules are typed errors', async () => {
    const { startHarness } = await import('./harness.ts');
    await using h = await startHarness();
    const c = await h.operator();
    const job = await c.request('cron.add', {
      name: 'ping',
      schedule: { kind: 'every', everyMs: 3600_000 },
      action: { kind: 'agent', message: 'ping', sessionKey: 'cron-proto' },
    });
    expect(job).toMatchObject({ name: 'ping', enabled: true, missedPolicy: 'skip', lastStatus: null });
    expect((await c.request('cron.list', {})).jobs.map((j) => j.id)).toEqual([job.id]);
    const run = await c.request('cron.run', { id: job.id });
    expect(run.status).toBe('queued');
    for (let i = 0; i < 100; i++) {
      const runs = await c.request('cron.runs', { id: job.id });
      if (runs.runs[0]?.status === 'ok') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const runs = await c.request('cron.runs', { id: job.id });
    expect(runs.runs[0]).toMatchObject({ runId: run.runId, trigger: 'manual', status: 'ok' });
    expect(runs.runs[0]?.agentRunId).toBeDefined();
    expect((await c.request('cron.status', {})).jobs).toBe(1);
    expect(await c.request('cron.update', { id: job.id, patch: { enabled: false } })).toMatchObject({
      enabled: false,
    });
    await expect(
      c.request('cron.add', {
        name: 'x',
        schedule: { kind: 'cron', expr: '99 * * * *' },
        action: { kind: 'agent', message: 'x' },
      }),
    ).rejects.toMatchObject({ code: 'INVALID_REQUEST', details: { code: 'CRON_SCHEDULE_INVALID' } });
    // In the reference's code and words, which its CLI reads as "no such job" (then tries names).
    await expect(c.request('cron.get', { id: 'nope' })).rejects.toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining('cron job not found: nope'),
      details: { code: 'CRON_JOB_UNKNOWN' },
    });
    expect(await c.request('cron.remove', { id: job.id })).toEqual({ id: job.id, removed: true });
  });
});
