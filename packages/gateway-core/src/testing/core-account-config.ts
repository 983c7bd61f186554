import type { CoreAccountConfig } from '../channels/account-config.ts';

/** An account as the core sees it: pairing DMs with sender 1 allowed, open groups; `extra` overrides. */
export function coreAccountConfig(extra: Partial<CoreAccountConfig> = {}): CoreAccountConfig {
  return {
    accountId: 'default',
    enabled: true,
    dmPolicy: 'pairing',
    allowFrom: ['1'],
    groupPolicy: 'open',
    groupAllowFrom: [],
    requireMention: false,
    groups: {},
    sendConcurrency: 1,
    ...extra,
  };
}
