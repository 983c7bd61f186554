import { type AgentHeartbeatConfig, type GatewayConfig, parseHeartbeatEvery } from '@openclaw/protocol';
import { MAIN_AGENT_ID } from '../agents/agent-catalog.ts';

/** Our own wording of the reference's contract: say what needs attention, else NO_REPLY. */
export const DEFAULT_HEARTBEAT_PROMPT =
  'Heartbeat check-in. If something in this session needs the operator now (including system events above), say so briefly. Do not repeat old tasks from earlier chats. If nothing needs attention, reply with exactly NO_REPLY.';

/** A heartbeat turn's default ceiling: its interval, at most this (the reference's cap). */
const MAX_DEFAULT_TIMEOUT_MS = 600_000;

/** One agent's heartbeat turns, resolved from the config. */
export interface AgentHeartbeatSettings {
  agentId: string;
  /** A heartbeat block applies to this agent (even with `every: 0m`). */
  configured: boolean;
  /** As configured (`30m`), or `0m`. */
  every: string;
  /** 0: no periodic turns. */
  everyMs: number;
  prompt: string;
  /** `owner` (the default), `last`, `none` or a channel id. */
  target: string;
  /** No target is configured (`owner` is taken): its first alert says how to turn alerts off. */
  defaultTarget: boolean;
  /** `block`: an alert for a direct-message chat is not delivered (`dm-blocked`). */
  directPolicy: 'allow' | 'block';
  /** Each turn in a fresh session of its own, not the agent main session. */
  isolatedSession: boolean;
  to?: string | undefined;
  accountId?: string | undefined;
  model?: string | undefined;
  lightContext: boolean;
  timeoutMs: number;
  activeHours?: AgentHeartbeatConfig['activeHours'];
}

/**
 * The block that applies to an agent, in the reference's precedence: per-agent blocks merge over
 * the defaults (`agent.heartbeat`); once any agent entry has one, only those agents run
 * heartbeats, else the defaults are the default agent's (main) alone.
 */
function blockOf(config: GatewayConfig, agentId: string): AgentHeartbeatConfig | undefined {
  const defaults = config.agent.heartbeat;
  const anyEntry = config.agents.list.some((a) => a.heartbeat !== undefined);
  if (!anyEntry) return agentId === MAIN_AGENT_ID ? defaults : undefined;
  const own = config.agents.list.find((a) => a.id === agentId)?.heartbeat;
  return own ? { ...defaults, ...own } : undefined;
}

/** The heartbeat settings of each of these agents. */
export function heartbeatSettings(
  config: GatewayConfig,
  agentIds: readonly string[],
): AgentHeartbeatSettings[] {
  return agentIds.map((agentId) => {
    const b = blockOf(config, agentId);
    const every = b?.every ?? '0m';
    const everyMs = parseHeartbeatEvery(every) ?? 0;
    return {
      agentId,
      configured: b !== undefined,
      every,
      everyMs,
      prompt: b?.prompt ?? DEFAULT_HEARTBEAT_PROMPT,
      // The reference's default: the operator's direct chat; with no owner to find, no alert.
      target: b?.target ?? 'owner',
      defaultTarget: b?.target === undefined,
      directPolicy: b?.directPolicy ?? 'allow',
      isolatedSession: b?.isolatedSession === true,
      to: b?.to,
      accountId: b?.accountId,
      model: b?.model,
      lightContext: b?.lightContext === true,
      timeoutMs: b?.timeoutSeconds
        ? b.timeoutSeconds * 1000
        : Math.min(everyMs || MAX_DEFAULT_TIMEOUT_MS, MAX_DEFAULT_TIMEOUT_MS),
      activeHours: b?.activeHours,
    };
  });
}
