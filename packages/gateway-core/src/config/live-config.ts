import type { GatewayConfig } from '@openclaw/protocol';
import type { AuthLimiter } from '../auth/auth-limiter.ts';
import type { ChannelAccounts } from '../channels/accounts.ts';
import type { ConnectionHub } from '../connection/connection-hub.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Ticker } from '../events/ticker.ts';
import type { Logger } from '../logging/logger.ts';
import type { ConfigChange } from './config-manager.ts';

export interface LiveConfigTargets {
  config: () => GatewayConfig;
  limiter: Pick<AuthLimiter, 'setPolicy'>;
  ticker: Pick<Ticker, 'retune'>;
  hub: Pick<ConnectionHub, 'connectionCount' | 'closeSharedSecretConnections' | 'helloChanged'>;
  log: Logger;
  channels: Pick<ChannelAccounts, 'reconcile'>;
  bus: Pick<EventBus, 'deliverLocal'>;
  clock: { now(): number };
}

/**
 * What a config change does at once, beyond the services that read the config on each use:
 * hello-ok is rebuilt, the auth limiter and tick interval are retuned, connections that used a
 * changed shared secret are closed, the log level follows, and channel accounts are reconciled.
 * Operators hear `config.changed` (Control UIs re-read their shared preferences from it).
 */
export function applyLiveConfig(t: LiveConfigTargets): (change: ConfigChange) => void {
  return ({ changed, origin, path, hash }) => {
    const cfg = t.config();
    t.hub.helloChanged();
    t.limiter.setPolicy(cfg.auth.rateLimit);
    if (changed.some((p) => p.startsWith('limits.tickIntervalMs')))
      t.ticker.retune(cfg.limits.tickIntervalMs, t.hub.connectionCount > 0);
    if (changed.some((p) => p === 'auth.token' || p === 'auth.password' || p === 'auth.mode')) {
      t.hub.closeSharedSecretConnections('gateway auth changed', origin);
    }
    if (changed.some((p) => p.startsWith('logging.level'))) t.log.level = cfg.logging.level;
    // Channel accounts start, stop or restart with their new settings; reconcile logs what it did.
    if (changed.some((p) => p === 'channels' || p.startsWith('channels.'))) {
      t.channels
        .reconcile()
        .catch((error: unknown) => t.log.error({ err: error }, 'applying channel config failed'));
    }
    // Local only: each gateway of a cluster has its own config file.
    t.bus.deliverLocal('config.changed', { path, hash, ts: t.clock.now() });
  };
}
