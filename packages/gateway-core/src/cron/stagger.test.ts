import { describe, expect, it } from 'vitest';
import { newJobRecord, patchedJobRecord } from './job-record.ts';
import { toJob } from './job-view.ts';
import { nextRunOf, staggerOffsetMs } from './schedule.ts';
import { DEFAULT_TOP_OF_HOUR_STAGGER_MS, isTopOfHourExpr } from './stagger.ts';

const cron = (expr: string, staggerMs?: number) => ({
  kind: 'cron' as const,
  expr,
  tz: 'UTC',
  ...(staggerMs === undefined ? {} : { staggerMs }),
});
const job = (schedule: ReturnType<typeof cron>) =>
  newJobRecord({ name: 'n', schedule, action: { kind: 'agent', message: 'm' } }, 'job_a', 0);

describe('the default stagger of top-of-hour expressions', () => {
  it('is minute 0 (second 0 with six fields) of hours recurring through the day', () => {
    for (const e of ['0 * * * *', '0 */2 * * *', '0 9-17,* * * *', '0 ? * * *', '0 0 * * * *'])
      expect(isTopOfHourExpr(e), e).toBe(true);
    for (const e of ['5 * * * *', '0 9 * * *', '0 9-17 * * *', '*/15 * * * *', '30 0 * * * *', '@hourly'])
      expect(isTopOfHourExpr(e), e).toBe(false);
  });

  it('a new top-of-hour job gets a 5-minute window and fires at its own offset in it; 0 keeps it exact', () => {
    const hourly = job(cron('0 * * * *'));
    expect(hourly.schedule).toMatchObject({ staggerMs: DEFAULT_TOP_OF_HOUR_STAGGER_MS });
    const offset = staggerOffsetMs('job_a', 300_000);
    const ten = Date.parse('2030-01-01T10:00:00Z');
    expect(nextRunOf(hourly, ten - 1)).toBe(ten + offset);
    // Explicit 0 (the reference CLI's --exact) and explicit windows stay; other expressions get none.
    expect(job(cron('0 * * * *', 0)).schedule).toEqual(cron('0 * * * *', 0));
    expect(nextRunOf(job(cron('0 * * * *', 0)), ten - 1)).toBe(ten);
    expect(job(cron('0 * * * *', 30_000)).schedule).toEqual(cron('0 * * * *', 30_000));
    expect(job(cron('0 9 * * *')).schedule).toEqual(cron('0 9 * * *'));
  });

  it('a patch that keeps the expression keeps the stored window; a new expression gets its own default', () => {
    const exact = job(cron('0 * * * *', 0));
    // e.g. `cron edit --tz …`: same expression, no window named.
    expect(patchedJobRecord(exact, { schedule: cron('0 * * * *') }, 1).schedule).toEqual(
      cron('0 * * * *', 0),
    );
    expect(patchedJobRecord(exact, { schedule: cron('0 */3 * * *') }, 1).schedule).toEqual(
      cron('0 */3 * * *', DEFAULT_TOP_OF_HOUR_STAGGER_MS),
    );
    expect(patchedJobRecord(job(cron('0 * * * *')), { schedule: cron('15 * * * *') }, 1).schedule).toEqual(
      cron('15 * * * *'),
    );
    expect(patchedJobRecord(exact, { schedule: cron('0 * * * *', 60_000) }, 1).schedule).toEqual(
      cron('0 * * * *', 60_000),
    );
  });

  it('a job stored without a window (before the default was stored) is staggered when scheduled, as the reference does', () => {
    const ten = Date.parse('2030-01-01T10:00:00Z');
    const old = { ...job(cron('0 * * * *')), schedule: cron('0 * * * *') };
    expect(nextRunOf(old, ten - 1)).toBe(ten + staggerOffsetMs('job_a', DEFAULT_TOP_OF_HOUR_STAGGER_MS));
    expect(toJob(old).schedule).toMatchObject({ staggerMs: DEFAULT_TOP_OF_HOUR_STAGGER_MS });
    // Other expressions stored without one stay exact, and say so.
    const nine = { ...job(cron('0 9 * * *')), schedule: cron('0 9 * * *') };
    expect(nextRunOf(nine, Date.parse('2030-01-01T08:00:00Z'))).toBe(Date.parse('2030-01-01T09:00:00Z'));
    expect(toJob(nine).schedule).toMatchObject({ staggerMs: 0 });
  });
});
