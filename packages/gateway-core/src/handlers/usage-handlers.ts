import type { sessionsUsageMethods, usageMethods } from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';
import type { SessionUsage } from '../usage/session-usage.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';
import type { Clock } from '../util/clock.ts';

export interface UsageDeps {
  usage: Pick<UsageLedger, 'cost'>;
  sessionUsage: Pick<SessionUsage, 'sessions' | 'timeseries' | 'logs'>;
  clock: Clock;
}

/** Token use and cost reports from what the agent's model calls reported. */
export function createUsageHandlers(
  d: UsageDeps,
): FamilyHandlers<typeof usageMethods> & FamilyHandlers<typeof sessionsUsageMethods> {
  return {
    'usage.cost': (params) => d.usage.cost(params),
    // No provider's usage endpoint is read: the answer the reference gives with no provider to ask.
    'usage.status': () => ({ updatedAt: d.clock.now(), providers: [] }),
    'sessions.usage': (params) => d.sessionUsage.sessions(params),
    'sessions.usage.timeseries': (params) => d.sessionUsage.timeseries(params),
    'sessions.usage.logs': (params) => d.sessionUsage.logs(params),
  };
}
