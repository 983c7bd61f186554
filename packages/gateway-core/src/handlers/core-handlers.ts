import type { PresenceEntry } from '@openclaw/protocol';
import type { AgentWiring } from '../agent/agent-wiring.ts';
import type { LogRing } from '../logging/log-ring.ts';
import { NodePendingQueue } from '../nodes/node-pending-queue.ts';
import type { HandlerOverrides, Router } from '../router/router.ts';
import type { SessionFeed } from '../sessions/session-feed.ts';
import type { SessionViews } from '../sessions/session-views.ts';
import type { Store } from '../store/types.ts';
import { createFinals, createHandlers, type HandlerDeps } from './index.ts';

/** The core's services the handlers read under the same names. */
type Direct =
  | 'bus'
  | 'clock'
  | 'log'
  | 'reports'
  | 'heartbeat'
  | 'pairing'
  | 'nodes'
  | 'config'
  | 'audit'
  | 'cron'
  | 'sessions'
  | 'questions'
  | 'channels'
  | 'chatActions'
  | 'media';

/** The built core as the method table sees it (structural, so handlers do not import the core). */
export type HandlerCore = Pick<HandlerDeps, Direct> &
  HandlerDeps['gateway'] & {
    store: Store;
    agent: Pick<AgentWiring, 'agents' | 'agentState' | 'approvals' | 'usage' | 'sessionUsage'>;
    presence: { list(): PresenceEntry[] };
    /** Present in a cluster: presence is then the cluster's merged view. */
    cluster: { presence(): Promise<PresenceEntry[]> } | undefined;
    router: Pick<Router, 'register' | 'registerFinal'>;
  };

/**
 * Register the protocol's method table on the core's router: every family's handlers with the
 * services they take, their second answers, then the embedder's own tables (which win).
 */
export function registerCoreHandlers(
  core: HandlerCore,
  more: {
    listenPort: () => number | undefined;
    logRing: LogRing | undefined;
    sessionFeed: SessionFeed;
    sessionViews: SessionViews;
    tables?: HandlerOverrides[] | undefined;
  },
): void {
  const deps: HandlerDeps = {
    store: core.store,
    bus: core.bus,
    clock: core.clock,
    log: core.log,
    gateway: core,
    listenPort: more.listenPort,
    reports: core.reports,
    presenceList: () => (core.cluster ? core.cluster.presence() : core.presence.list()),
    heartbeat: core.heartbeat,
    logRing: more.logRing,
    pairing: core.pairing,
    nodes: core.nodes,
    config: core.config,
    audit: core.audit,
    cron: core.cron,
    sessions: core.sessions,
    sessionFeed: more.sessionFeed,
    sessionViews: more.sessionViews,
    agents: core.agent.agents,
    agentState: core.agent.agentState,
    approvals: core.agent.approvals,
    usage: core.agent.usage,
    sessionUsage: core.agent.sessionUsage,
    questions: core.questions,
    nodePending: new NodePendingQueue(core.store, core.clock),
    channels: core.channels,
    chatActions: core.chatActions,
    media: core.media,
  };
  core.router.register(createHandlers(deps));
  core.router.registerFinal(createFinals(deps));
  for (const table of more.tables ?? []) core.router.register(table);
}
