import type { AgentHeartbeatConfig } from '@openclaw/protocol';

type ActiveHours = NonNullable<AgentHeartbeatConfig['activeHours']>;

const minutesOf = (hhmm: string): number => {
  const [h, m] = hhmm.split(':');
  return Number(h) * 60 + Number(m);
};

/** The minute of the day at `nowMs` in a time zone (the host's when absent). */
function minuteOfDay(nowMs: number, timeZone: string | undefined): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    ...(timeZone ? { timeZone } : {}),
  }).formatToParts(new Date(nowMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return get('hour') * 60 + get('minute');
}

/**
 * Whether `nowMs` falls in the daily window: start inclusive, end exclusive; a window whose end is
 * before its start runs over midnight; start equal to end is empty (the reference's rule).
 */
export function withinActiveHours(hours: ActiveHours | undefined, nowMs: number): boolean {
  if (!hours) return true;
  const start = minutesOf(hours.start);
  const end = minutesOf(hours.end);
  if (start === end) return false;
  const now = minuteOfDay(nowMs, hours.timezone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
