import type { CronJobRecord } from '../store/types.ts';

/** The window a top-of-hour expression is spread over unless told otherwise (the reference's). */
export const DEFAULT_TOP_OF_HOUR_STAGGER_MS = 5 * 60_000;

/** An hour field that repeats through the day: every part a number, range or step, one of them `*`/`?`. */
function recurringHours(field: string): boolean {
  const parts = field.split(',');
  return (
    parts.every((p) => /^(?:\d+|\d+-\d+)(?:\/\d+)?$|^[*?](?:\/\d+)?$/.test(p)) &&
    parts.some((p) => p.startsWith('*') || p.startsWith('?'))
  );
}

/**
 * Whether an expression fires at minute 0 (second 0 with six fields) of hours that recur through
 * the day (`0 * * * *`, every second hour, `0 0 * * * *`): the times every such job would share.
 */
export function isTopOfHourExpr(expr: string): boolean {
  const f = expr.trim().split(/\s+/);
  if (f.length === 5) return f[0] === '0' && recurringHours(f[1] as string);
  if (f.length === 6) return f[0] === '0' && f[1] === '0' && recurringHours(f[2] as string);
  return false;
}

/**
 * A schedule as it is stored, with the reference's default stagger: an explicit staggerMs (0:
 * exactly on time) stays; else a patch that keeps the expression keeps the stored window; else a
 * top-of-hour expression gets the default window, so jobs sharing it do not all fire at once.
 */
export function withDefaultStagger(
  s: CronJobRecord['schedule'],
  previous?: CronJobRecord['schedule'],
): CronJobRecord['schedule'] {
  if (s.kind !== 'cron' || s.staggerMs !== undefined) return s;
  if (previous?.kind === 'cron' && previous.expr === s.expr)
    return previous.staggerMs === undefined ? s : { ...s, staggerMs: previous.staggerMs };
  return isTopOfHourExpr(s.expr) ? { ...s, staggerMs: DEFAULT_TOP_OF_HOUR_STAGGER_MS } : s;
}

/**
 * The window a cron schedule fires in, as the reference computes it when scheduling: a stored
 * staggerMs (0: exactly on time), else the default for a top-of-hour expression, else none. A
 * job stored without one (before that default was stored) is thus staggered like a new one.
 */
export function effectiveStaggerMs(s: Extract<CronJobRecord['schedule'], { kind: 'cron' }>): number {
  return s.staggerMs ?? (isTopOfHourExpr(s.expr) ? DEFAULT_TOP_OF_HOUR_STAGGER_MS : 0);
}
