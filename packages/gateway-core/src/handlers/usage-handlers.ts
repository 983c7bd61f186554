import type { usageMethods } from '@openclaw/protocol';
import type { FamilyHandlers } from '../router/router.ts';
import type { UsageLedger } from '../usage/usage-ledger.ts';

export interface UsageDeps {
  usage: Pick<UsageLedger, 'cost'>;
}

/** Token use and cost reports from what the agent's model calls reported. */
export function createUsageHandlers(d: UsageDeps): FamilyHandlers<typeof usageMethods> {
  return {
    'usage.cost': (params) => d.usage.cost(params),
  };
}
