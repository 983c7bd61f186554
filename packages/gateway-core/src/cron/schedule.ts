import { createHash } from 'node:crypto';
import { Cron } from 'croner';
import type { CronJobRecord } from '../store/types.ts';
import { effectiveStaggerMs } from './stagger.ts';

export class ScheduleError extends Error {
  override name = 'ScheduleError';
  readonly code = 'CRON_SCHEDULE_INVALID';
}

/** Throws ScheduleError when a schedule cannot fire (bad expression, unknown zone, bad time). */
export function validateSchedule(s: CronJobRecord['schedule']): void {
  switch (s.kind) {
    case 'at':
      if (!Number.isFinite(Date.parse(s.at)))
        throw new ScheduleError(`"${s.at}" is not a time (use ISO 8601)`);
      return;
    case 'every':
      if (!(s.everyMs >= 1000)) throw new ScheduleError('everyMs must be at least 1000');
      return;
    case 'cron':
      try {
        new Cron(s.expr, { paused: true, ...(s.tz ? { timezone: s.tz } : {}) }).nextRun();
      } catch (error) {
        throw new ScheduleError(`cron "${s.expr}"${s.tz ? ` in ${s.tz}` : ''}: ${(error as Error).message}`);
      }
  }
}

/** The first firing strictly after `afterMs`, or null when the schedule has no more. */
export function nextRunAfter(
  s: CronJobRecord['schedule'],
  afterMs: number,
  createdAtMs: number,
  jobId = '',
): number | null {
  switch (s.kind) {
    case 'at': {
      const t = Date.parse(s.at);
      return t > afterMs ? t : null;
    }
    case 'every': {
      const anchor = s.anchorMs ?? createdAtMs;
      if (afterMs < anchor) return anchor;
      return anchor + (Math.floor((afterMs - anchor) / s.everyMs) + 1) * s.everyMs;
    }
    case 'cron': {
      // A staggered job fires at its own fixed offset after each of the expression's times.
      const offset = staggerOffsetMs(jobId, effectiveStaggerMs(s));
      const next = new Cron(s.expr, { paused: true, ...(s.tz ? { timezone: s.tz } : {}) }).nextRun(
        new Date(afterMs - offset),
      );
      return next ? next.getTime() + offset : null;
    }
  }
}

/** A job's next firing strictly after `afterMs` (its schedule, anchored and staggered as the job's). */
export function nextRunOf(
  job: Pick<CronJobRecord, 'id' | 'schedule' | 'createdAtMs'>,
  afterMs: number,
): number | null {
  return nextRunAfter(job.schedule, afterMs, job.createdAtMs, job.id);
}

/**
 * Where in its stagger window a job fires: fixed per job (the reference's: the first four bytes
 * of the id's SHA-256, modulo the window), so jobs sharing an expression spread out and each keeps
 * its own regular times.
 */
export function staggerOffsetMs(jobId: string, staggerMs: number): number {
  if (staggerMs <= 1) return 0;
  return createHash('sha256').update(jobId).digest().readUInt32BE(0) % staggerMs;
}
