import type { CronJobRecord } from '../store/types.ts';

/** A stored cron job as the store hands it back (every minute, never run yet), for view and patch tests. */
export function storedCronJob(
  action: CronJobRecord['action'],
  over: Partial<CronJobRecord> = {},
): CronJobRecord {
  return {
    id: 'job_1',
    name: 'n',
    enabled: true,
    schedule: { kind: 'every', everyMs: 60_000 },
    action,
    missedPolicy: 'skip',
    createdAtMs: 1,
    updatedAtMs: 1,
    nextRunAtMs: 61_000,
    lastRunAtMs: null,
    lastStatus: null,
    ...over,
  };
}
