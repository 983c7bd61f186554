import { describe, expect, it } from 'vitest';
import { nextRunAfter, nextRunOf, staggerOffsetMs } from './schedule.ts';

const at = (iso: string) => Date.parse(iso);

describe('cron schedules with a stagger window', () => {
  it("fire at the job's own fixed offset after each of the expression's times", () => {
    const hourly = { kind: 'cron' as const, expr: '0 * * * *', tz: 'UTC', staggerMs: 300_000 };
    const job = (id: string) => ({ id, schedule: hourly, createdAtMs: 0 });
    const offset = staggerOffsetMs('job_a', 300_000);
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(300_000);
    // The same id always gets the same offset; another id (almost surely) another.
    expect(staggerOffsetMs('job_a', 300_000)).toBe(offset);
    expect(staggerOffsetMs('job_b', 300_000)).not.toBe(offset);
    const first = nextRunOf(job('job_a'), at('2030-01-01T10:00:00Z'));
    expect(first).toBe(at('2030-01-01T10:00:00Z') + offset);
    // Just before its staggered time it is still that hour's; at it, the next hour's.
    expect(nextRunOf(job('job_a'), first! - 1)).toBe(first);
    expect(nextRunOf(job('job_a'), first!)).toBe(at('2030-01-01T11:00:00Z') + offset);
    // No window: the top-of-hour default (5 minutes, as above); 0: exactly on the expression's times.
    const exact = { kind: 'cron' as const, expr: '0 * * * *', tz: 'UTC' };
    expect(nextRunAfter(exact, at('2030-01-01T10:00:00Z'), 0, 'job_a')).toBe(first);
    expect(nextRunAfter({ ...exact, staggerMs: 0 }, at('2030-01-01T10:00:00Z'), 0, 'job_a')).toBe(
      at('2030-01-01T11:00:00Z'),
    );
    expect(staggerOffsetMs('job_a', 1)).toBe(0);
  });
});
