import { CronService, type CronServiceOptions } from '../cron/cron-service.ts';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';

/**
 * A scheduler for tests: enabled, ticked by the test (no timers), a bus and a silent log of its
 * own, sends that go nowhere; `o` gives the store, clock and turns, and overrides the rest.
 */
export function testCronService(
  o: Partial<CronServiceOptions> & Pick<CronServiceOptions, 'store' | 'clock' | 'runAgent'>,
): CronService {
  return new CronService({
    bus: new EventBus(),
    log: createSilentLogger(),
    enabled: () => true,
    timers: false,
    send: async () => undefined,
    ...o,
  });
}
