import type { AuthLockout } from '@openclaw/protocol';
import { count } from './plural.ts';
import { duration, localClock } from './time.ts';

/** One line: who, which credential kind, what kind of limit, until when. */
export function describeLockout(l: AuthLockout, now = Date.now()): string {
  const until = `until ${localClock(l.untilMs)} (in ${duration(Math.max(0, l.untilMs - now))})`;
  const what = l.mode === 'lockout' ? `locked out ${until}` : `throttled (slowed, not refused) ${until}`;
  return `${l.peer}  ${l.credential}  ${what}, ${count(l.failures, 'failed attempt')}`;
}
