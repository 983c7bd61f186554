import { describe, expect, it, vi } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import { testCronService } from '../testing/test-cron-service.ts';
import { ManualClock } from '../util/clock.ts';
import { cronLeadership } from './cron-actions.ts';

describe('failure alerts with several schedulers on one store', () => {
  it('only the gateway that runs a job decides its alert: two schedulers, one alert', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock();
    const sent: string[] = [];
    const scheduler = (gatewayId: string) =>
      testCronService({
        store,
        clock,
        ...cronLeadership({ store, clock, gatewayId, leaseTtlMs: () => 15_000 }),
        // Every run fails the same way.
        runAgent: async () => ({ runId: undefined, outcome: Promise.resolve({ ok: false, error: 'boom' }) }),
        alerts: {
          config: () => undefined,
          send: async (_job, notice) => void sent.push(`${gatewayId}:${notice.kind}`),
        },
      });
    const [a, b] = [scheduler('a'), scheduler('b')];
    await a.start();
    await b.start();
    const job = await a.add({
      name: 'hourly',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'm', deliver: true, channel: 'telegram', to: '42' },
    });
    for (let i = 0; i < 3; i++) {
      clock.advance(3_600_000);
      await Promise.all([a.tick(), b.tick()]);
      await Promise.all([a.settled(), b.settled()]);
    }
    expect(sent).toEqual(['a:failure']);
    expect((await store.cron.get(job.id))?.alerts).toMatchObject({ consecutiveErrors: 3 });
    await Promise.all([a.close(), b.close()]);
  });
});

describe('skipped runs and failure alerts', () => {
  it('with includeSkipped, skipped runs in a row (a run still going) alert; the next successful run recovers', async () => {
    const store = createMemoryStore();
    const sent: string[] = [];
    let finish: (r: { ok: boolean }) => void = () => {};
    const cron = testCronService({
      store,
      clock: new ManualClock(),
      // Each run lasts until the test ends it.
      runAgent: async () => ({
        runId: undefined,
        outcome: new Promise((resolve) => {
          finish = resolve;
        }),
      }),
      alerts: {
        config: () => ({ includeSkipped: true }),
        send: async (_job, notice) => void sent.push(`${notice.kind}: ${notice.webhookMessage}`),
      },
    });
    await cron.start();
    const job = await cron.add({
      name: 'slow',
      schedule: { kind: 'every', everyMs: 3_600_000 },
      action: { kind: 'agent', message: 'm', deliver: true, channel: 'telegram', to: '42' },
    });
    await cron.runNow(job.id);
    await cron.runNow(job.id);
    await vi.waitFor(async () => expect((await store.cron.get(job.id))?.lastStatus).toBe('skipped'));
    expect(sent).toEqual([]);
    await cron.runNow(job.id);
    await vi.waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toBe(
      'failure: Automation "slow" skipped 2 times\nSkip reason: the previous run of this job is still going',
    );
    expect((await store.cron.get(job.id))?.alerts).toMatchObject({
      consecutiveErrors: 0,
      consecutiveSkipped: 2,
    });
    finish({ ok: true });
    await cron.settled();
    expect(sent[1]).toMatch(/^recovery: /);
    expect((await store.cron.get(job.id))?.alerts).toEqual({ consecutiveErrors: 0 });
    await cron.close();
  });
});
