import type { GatewayConfig, ReasoningLevel } from '@openclaw/protocol';
import { AgentCatalog, agentProfile, sessionAgentId } from '../agents/agent-catalog.ts';
import { type RoutedChat, routedSessionKey, updateSessionKeys } from '../agents/agent-routing.ts';
import { ExecApprovals } from '../approvals/exec-approvals.ts';
import type { ClusterBridge } from '../cluster/cluster-bridge.ts';
import type { CronService } from '../cron/cron-service.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { MediaStore } from '../media/media-store.ts';
import type { NodeService } from '../nodes/node-service.ts';
import type { Responder } from '../sessions/responder.ts';
import type { Store } from '../store/types.ts';
import { SessionUsage } from '../usage/session-usage.ts';
import { UsageLedger } from '../usage/usage-ledger.ts';
import type { Clock } from '../util/clock.ts';
import { configuredResponder } from './configured-responder.ts';
import { ModelRegistry } from './model-registry.ts';
import { sessionAgentState } from './session-agent-state.ts';
import { SessionCompactor } from './session-compactor.ts';
import { sessionThinkingState } from './session-thinking.ts';
import type { MessageServices } from './tools/message-tool.ts';
import { clusterNodes } from './tools/node-invoker.ts';

/** The services the agent's tools drive; they are built after the agent, so they are read late. */
export interface AgentToolParts {
  nodes: NodeService;
  cron: CronService;
  /** The outbox's send (the channels' `send` method). */
  channels: { send: MessageServices['send'] };
  /** Reactions through the live adapter. */
  chatActions: { react: MessageServices['react'] };
  media: MediaStore;
  /** Present in a cluster: reaches the nodes other gateways hold. */
  cluster?: ClusterBridge | undefined;
}

export interface AgentWiringOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  config: () => GatewayConfig;
  stateDir?: string | undefined;
  /** A responder given by the embedder (tests, other runtimes) instead of the configured models. */
  responder?: (() => Responder) | undefined;
  /** Read on the first model turn, when every service exists. */
  tools: () => AgentToolParts;
}

/** The agent's parts, built together: the core hands them to the channels and the handlers. */
export interface AgentWiring {
  /** Models by `provider/model` through the AI SDK: the default, fallbacks, providers. */
  models: ModelRegistry;
  /** Summaries of older turns (automatic within the context budget, and sessions.compact). */
  compactor: SessionCompactor;
  agents: AgentCatalog;
  approvals: ExecApprovals;
  /** What answers a turn. */
  responder: () => Responder;
  /** A session's summary, chosen model and thinking level, for the session methods. */
  agentState: ReturnType<typeof sessionAgentState>;
  /** What session rows show besides the stored session: its agent, token figures and thinking. */
  rowParts: {
    agents: AgentCatalog;
    usage: UsageLedger;
    thinking: Pick<ReturnType<typeof sessionThinkingState>, 'rows'>;
  };
  /** Whether a session's reasoning is shown: its own reasoningLevel, else its agent's default, else off. */
  reasoningLevel: (sessionKey: string) => Promise<ReasoningLevel>;
  /** The session a channel chat's messages go to, under the agent the bindings route it to. */
  chatSessionKey: (chat: RoutedChat) => string;
  updateSessionKeys: (chat: RoutedChat) => string[];
  /** Token accounting: what runs' model calls used, and what it cost. */
  usage: UsageLedger;
  /** The usage view's per-session reports. */
  sessionUsage: SessionUsage;
}

/** Build the model registry, compactor, approvals, catalog and the responder that runs the tool loop. */
export function wireAgent(o: AgentWiringOptions): AgentWiring {
  const { store, config: cfg } = o;
  const models = new ModelRegistry({
    config: () => cfg().agent,
    agentModel: (id) => agentProfile(cfg(), id)?.model,
    stateDir: o.stateDir,
  });
  const agentOf = (sessionKey: string) => sessionAgentId(cfg(), sessionKey);
  const compactor = new SessionCompactor({
    kv: store.kv,
    models,
    config: () => cfg().agent,
    log: o.log.child({ component: 'compaction' }),
  });
  const usage = new UsageLedger({
    store,
    clock: o.clock,
    config: cfg,
    contextTokens: (ref) => compactor.contextTokens(ref),
  });
  const approvals = new ExecApprovals({
    kv: store.kv,
    approvals: store.approvals,
    bus: o.bus,
    clock: o.clock,
    log: o.log.child({ component: 'exec-approvals' }),
    ttlMs: () => cfg().agent.tools.approvalTimeoutMs,
  });
  const responder =
    o.responder ??
    configuredResponder({
      config: cfg,
      models,
      compactor,
      store,
      agentOf,
      usage,
      stateDir: o.stateDir,
      log: o.log.child({ component: 'agent' }),
      tools: () => {
        const p = o.tools();
        return {
          nodes: p.nodes,
          approvals,
          messages: {
            send: (params, caller) => p.channels.send(params, caller),
            react: (t, messageId, emoji) => p.chatActions.react(t, messageId, emoji),
          },
          store,
          cron: p.cron,
          sessionAccess: { agentOf, visibility: () => cfg().agent.tools.sessionsVisibility },
          nodesElsewhere: p.cluster && clusterNodes(p.cluster, () => cfg().nodes.invokeTimeoutMs),
          storeImage: async (bytes) => {
            const item = await p.media.put(bytes);
            return { kind: 'image', ref: item.id, mimeType: item.mimeType, size: item.size };
          },
        };
      },
    });
  const agents = new AgentCatalog(models, cfg);
  const thinking = sessionThinkingState({
    kv: store.kv,
    models,
    agentOf: (key) => agentProfile(cfg(), agentOf(key)) ?? { id: agentOf(key) },
    sectionDefault: () => cfg().agent.thinkingDefault,
    sectionReasoning: () => cfg().agent.reasoningDefault,
  });
  return {
    models,
    compactor,
    agents,
    approvals,
    responder,
    agentState: sessionAgentState({ store, models, compactor, agentOf, usage, thinking }),
    rowParts: { agents, usage, thinking },
    reasoningLevel: thinking.reasoning,
    chatSessionKey: (chat) => routedSessionKey(cfg().bindings, chat),
    updateSessionKeys: (chat) => updateSessionKeys(cfg().bindings, chat),
    usage,
    sessionUsage: new SessionUsage({ store, clock: o.clock, config: cfg, agentOf }),
  };
}
