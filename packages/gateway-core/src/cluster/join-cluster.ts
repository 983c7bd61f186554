import type { ExecApprovals } from '../approvals/exec-approvals.ts';
import type { Channels } from '../channels/create-channels.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { HealthReporter } from '../health/health-reporter.ts';
import type { Logger } from '../logging/logger.ts';
import type { NodeService } from '../nodes/node-service.ts';
import type { PresenceRegistry } from '../presence/presence.ts';
import { ClusterBridge } from './cluster-bridge.ts';
import type { ClusterLink } from './cluster-link.ts';

/**
 * Join the gateways that share `link`: events, presence, node invokes, outbox and run handover
 * notices cross it, and an unreachable backend shows in readiness (degraded) and in the health event.
 */
export function joinCluster(
  link: ClusterLink,
  deps: {
    bus: EventBus;
    log: Logger;
    nodes: NodeService;
    channels: Pick<Channels, 'outbox' | 'conversations' | 'accounts' | 'onAccountsFreed'>;
    presence: PresenceRegistry;
    reports: Pick<HealthReporter, 'addReadinessCheck' | 'noteHealthChanged'>;
    approvals: Pick<ExecApprovals, 'wake'>;
  },
): ClusterBridge {
  const { bus, log, nodes, channels, presence, reports, approvals } = deps;
  const bridge = new ClusterBridge({
    link,
    bus,
    log: log.child({ component: 'cluster' }),
    invokeLocal: (params, onProgress) => nodes.invoke(params, undefined, onProgress),
    isNodeHere: (nodeId) => nodes.isConnectedHere(nodeId),
    onOutboxRecord: (id) => void channels.outbox.adopt(id),
    onHandover: (what) =>
      what === 'runs' ? channels.conversations.recoverNow() : channels.accounts.lookAgain(),
    localPresence: () => presence.list(),
    // A run waiting here on an approval decided on another gateway goes on at once.
    onRemoteEvent: (event, payload) => {
      if (event === 'exec.approval.resolved') approvals.wake((payload as { id: string }).id);
    },
  });
  channels.conversations.onHandedOver((runIds) => void bridge.announceHandover('runs', runIds));
  channels.onAccountsFreed(() => void bridge.announceHandover('accounts'));
  reports.addReadinessCheck({
    name: 'cluster',
    check: () =>
      link.healthy() ? { ready: true } : { ready: false, degraded: true, reason: 'redis unreachable' },
  });
  link.onHealthChange((ok) => {
    log[ok ? 'info' : 'error'](
      { gatewayId: link.gatewayId },
      ok ? 'cluster backend reachable again' : 'cluster backend unreachable',
    );
    reports.noteHealthChanged();
  });
  return bridge;
}
