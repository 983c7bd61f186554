import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { cronLeadership } from './cron-actions.ts';
import { CronService } from './cron-service.ts';

describe('failure alerts with several schedulers on one store', () => {
  it('only the gateway that runs a job decides its alert: two schedulers, one alert', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock();
    const sent: string[] = [];
    const scheduler = (gatewayId: string) =>
      new CronService({
        store,
        bus: new EventBus(),
        clock,
        log: createSilentLogger(),
        enabled: () => true,
        timers: false,
        ...cronLeadership({ store, clock, gatewayId, leaseTtlMs: () => 15_000 }),
        // Every run fails the same way.
        runAgent: async () => ({ runId: undefined, outcome: Promise.resolve({ ok: false, error: 'boom' }) }),
        send: async () => undefined,
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
