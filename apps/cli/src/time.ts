const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

function two(n: number): string {
  return String(n).padStart(2, '0');
}

/** `2026-05-01` in local time. */
export function localDate(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}`;
}

/** `14:03:27` in local time. */
export function localClock(ms: number): string {
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

/**
 * When something happened or will happen, relative to now: `just now`, `42 s ago`, `3 min ago`,
 * `in 2 h`, `5 d ago`; past a month, the local date. `-` when unknown.
 */
export function relativeTime(ms: number | undefined | null, now = Date.now()): string {
  if (ms === undefined || ms === null) return '-';
  const delta = ms - now;
  const abs = Math.abs(delta);
  if (abs < 5 * SECOND) return 'just now';
  let amount: string;
  if (abs < MINUTE) amount = `${Math.floor(abs / SECOND)} s`;
  else if (abs < HOUR) amount = `${Math.floor(abs / MINUTE)} min`;
  else if (abs < DAY) amount = `${Math.floor(abs / HOUR)} h`;
  else if (abs < 30 * DAY) amount = `${Math.floor(abs / DAY)} d`;
  else return `on ${localDate(ms)}`;
  return delta < 0 ? `${amount} ago` : `in ${amount}`;
}

/** How long: `850 ms`, `12 s`, `3 min 4 s`, `2 h 5 min`, `3 d 4 h` (two units at most). */
export function duration(ms: number): string {
  if (ms < SECOND) return `${Math.max(0, Math.round(ms))} ms`;
  const s = Math.floor(ms / SECOND);
  if (ms < MINUTE) return `${s} s`;
  const pair = (big: number, bigUnit: string, small: number, smallUnit: string) =>
    small ? `${big} ${bigUnit} ${small} ${smallUnit}` : `${big} ${bigUnit}`;
  if (ms < HOUR) return pair(Math.floor(s / 60), 'min', s % 60, 's');
  if (ms < DAY) return pair(Math.floor(s / 3600), 'h', Math.floor((s % 3600) / 60), 'min');
  return pair(Math.floor(s / 86400), 'd', Math.floor((s % 86400) / 3600), 'h');
}
