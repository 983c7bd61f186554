import { gatewayError, type UsageCostParams } from '@openclaw/protocol';

const DAY_MS = 86_400_000;

/** The span a usage report covers, and how it names the day of an instant. */
export interface UsageRange {
  startMs: number;
  /** Inclusive: the last millisecond of the last day. */
  endMs: number;
  /** Days covered; undefined for `range: all` (known once the first recorded day is). */
  days: number | undefined;
  /** The calendar day (YYYY-MM-DD) of an instant, in the report's time zone. */
  dayOf(ms: number): string;
}

function invalid(message: string): never {
  throw gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', message);
}

/** Whose calendar: a fixed offset (UTC, UTC+5:30) or an IANA zone, DST included. */
type Zone = { offsetMs: number } | { format: Intl.DateTimeFormat };

function zoneOf(p: UsageCostParams): Zone {
  if (p.mode === 'gateway')
    return { format: dayFormat(Intl.DateTimeFormat().resolvedOptions().timeZone) ?? invalid('no host zone') };
  if (p.mode !== 'specific' && p.mode !== undefined) return { offsetMs: 0 };
  if (p.timeZone) {
    const format = dayFormat(p.timeZone);
    if (format) return { format };
    // As the reference: an unknown zone falls back to the offset, when one is given.
    if (!p.utcOffset) invalid(`unknown time zone ${JSON.stringify(p.timeZone)}`);
  }
  if (!p.utcOffset) return { offsetMs: 0 };
  const m = /^UTC([+-])(\d{1,2})(?::(\d{2}))?$/.exec(p.utcOffset);
  const offsetMs = m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3] ?? 0)) * 60_000 : NaN;
  if (!(offsetMs >= -12 * 3_600_000 && offsetMs <= 14 * 3_600_000))
    invalid('utcOffset must be between UTC-12:00 and UTC+14:00');
  return { offsetMs };
}

function dayFormat(timeZone: string): Intl.DateTimeFormat | undefined {
  try {
    // en-CA writes dates as YYYY-MM-DD.
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    return undefined;
  }
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

function dayIn(zone: Zone, ms: number): string {
  return 'offsetMs' in zone ? isoDay(ms + zone.offsetMs) : zone.format.format(ms);
}

/** Days after 1970-01-01 of a YYYY-MM-DD date (calendar arithmetic, no zone). */
function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const ms = Date.UTC(y, m - 1, d);
  if (isoDay(ms) !== date) invalid(`invalid date ${date}: expected a calendar date YYYY-MM-DD`);
  return ms / DAY_MS;
}

/** The first instant of a calendar day in the zone (found from UTC midnight; offsets are under a day). */
function startOfDay(zone: Zone, day: number): number {
  const midnightUtc = day * DAY_MS;
  if ('offsetMs' in zone) return midnightUtc - zone.offsetMs;
  // The earliest instant whose zone date is that day: search the ±14 h around UTC midnight by
  // quarter hours (every zone's day starts on one), then it is exact.
  const date = isoDay(midnightUtc);
  for (let t = midnightUtc - 14 * 3_600_000; t <= midnightUtc + 14 * 3_600_000; t += 15 * 60_000)
    if (zone.format.format(t) >= date) return t;
  return midnightUtc;
}

/**
 * The range asked for: startDate–endDate, a named range, or the last `days` days (default 30),
 * each ending today, in UTC unless a zone or offset is asked for.
 */
export function usageRange(p: UsageCostParams, now: number): UsageRange {
  const zone = zoneOf(p);
  const dayOf = (ms: number) => dayIn(zone, ms);
  if ((p.startDate === undefined) !== (p.endDate === undefined))
    invalid('startDate and endDate must be given together');
  let first: number;
  let last: number;
  if (p.startDate !== undefined && p.endDate !== undefined) {
    first = dayNumber(p.startDate);
    last = dayNumber(p.endDate);
    if (first > last) invalid('startDate must not be after endDate');
  } else {
    last = dayNumber(dayOf(now));
    if (p.range === 'all')
      return { startMs: 0, endMs: startOfDay(zone, last + 1) - 1, days: undefined, dayOf };
    const named = { '7d': 7, '30d': 30, '90d': 90, '1y': 365 } as const;
    first = last - ((p.range ? named[p.range] : p.days) ?? 30) + 1;
  }
  return {
    startMs: startOfDay(zone, first),
    endMs: startOfDay(zone, last + 1) - 1,
    days: last - first + 1,
    dayOf,
  };
}

/** Days from a YYYY-MM-DD date to another, both counted. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from) + 1;
}
