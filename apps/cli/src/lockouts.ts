import type { AuthLockout } from '@openclaw/protocol';
import { duration } from './output.ts';

/** Local wall-clock time of day, HH:MM:SS. */
function clockTime(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** One line: who, which credential kind, what kind of limit, until when. */
export function describeLockout(l: AuthLockout, now = Date.now()): string {
  const until = `until ${clockTime(l.untilMs)} (in ${duration(Math.max(0, l.untilMs - now))})`;
  const what = l.mode === 'lockout' ? `locked out ${until}` : `throttled (slowed, not refused) ${until}`;
  return `${l.peer}  ${l.credential}  ${what}, ${l.failures} failed attempt(s)`;
}
