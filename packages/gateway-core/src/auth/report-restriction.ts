import type { AuthLockout } from '@openclaw/protocol';
import type { AuditLog } from '../audit/audit-log.ts';
import type { Logger } from '../logging/logger.ts';

/** What the limiter's `onRestricted` does in the gateway: a warning in the log and an audit entry. */
export function reportRestriction(log: Logger, audit: AuditLog): (r: AuthLockout) => void {
  return (r) => {
    log.warn(
      { peer: r.peer, credential: r.credential, mode: r.mode, untilMs: r.untilMs, failures: r.failures },
      r.mode === 'lockout' ? 'auth lockout' : 'auth throttle',
    );
    void audit
      .record({
        action: 'auth.locked',
        actor: 'system',
        target: r.peer,
        remoteIp: r.peer,
        details: { credential: r.credential, mode: r.mode, failures: r.failures, untilMs: r.untilMs },
      })
      .catch((error: unknown) => log.error({ err: error }, 'audit: auth.locked not recorded'));
  };
}
