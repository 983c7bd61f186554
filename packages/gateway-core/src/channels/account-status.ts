import type { ResolvedAccount } from './account-config.ts';
import type { AccountState } from './sdk/types.ts';

export type HealthState = AccountState;

/** Where a failure of a running account was seen: its receive loop, or the outbox's sends. */
export type FailureSource = 'receive' | 'send';

/** Everything an operator needs to know about one account, kept by its supervisor. */
export interface AccountRuntimeStatus {
  channel: string;
  accountId: string;
  name?: string | undefined;
  enabled: boolean;
  configured: boolean;
  running: boolean;
  connected: boolean;
  healthState: HealthState;
  self?: { id: string; name?: string | undefined; username?: string | undefined } | undefined;
  mode?: string | undefined;
  reconnectAttempts: number;
  lastStartAt: number | null;
  lastStopAt: number | null;
  lastConnectedAt: number | null;
  lastDisconnect?: { at: number; reason: string } | undefined;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  /** The error that keeps the account from working; null once it works again. */
  lastError: string | null;
  /** When lastError last happened. */
  lastErrorAt: number | null;
  /** Since when the account has not been working (degraded, backoff, failed, needs-action). */
  failingSince: number | null;
  /** What the operator should do (non-retryable failures). */
  action?: string | undefined;
  /** Another gateway's id when it holds this account's lease. */
  heldBy?: string | undefined;
}

/** A supervisor's record before its first start. */
export function initialStatus(a: ResolvedAccount): AccountRuntimeStatus {
  return {
    channel: a.channel,
    accountId: a.core.accountId,
    name: a.core.name,
    enabled: a.core.enabled,
    configured: a.configured,
    running: false,
    connected: false,
    healthState: !a.core.enabled ? 'disabled' : a.configured ? 'stopped' : 'not-configured',
    reconnectAttempts: 0,
    lastStartAt: null,
    lastStopAt: null,
    lastConnectedAt: null,
    lastInboundAt: null,
    lastOutboundAt: null,
    lastError: null,
    lastErrorAt: null,
    failingSince: null,
  };
}

/** The fields of an account that works. */
export function workingStatus(): Partial<AccountRuntimeStatus> {
  return {
    healthState: 'running',
    lastError: null,
    lastErrorAt: null,
    failingSince: null,
    reconnectAttempts: 0,
  };
}
