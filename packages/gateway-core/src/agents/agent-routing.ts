import { type AgentBinding, DEFAULT_AGENT_ID } from '@openclaw/protocol';
import type { InboundEnvelope } from '../channels/sdk/types.ts';
import { channelSessionKey } from '../sessions/session-keys.ts';

export { agentIdInKey } from '../store/session-key-agent.ts';

/**
 * A chat as routing sees it. The kind is unknown for edits and reactions (they carry no kind);
 * `guildId`, `teamId` and `roleIds` come from the platforms that have them (Discord, Slack).
 */
export interface RoutedChat {
  channel: string;
  accountId: string;
  kind?: 'direct' | 'group' | 'channel' | undefined;
  chatId: string;
  threadId?: string | undefined;
  guildId?: string | undefined;
  teamId?: string | undefined;
  /** The sender's role ids in the guild. */
  roleIds?: readonly string[] | undefined;
}

/** The chat an inbound message came from. */
export function routedChatOf(env: InboundEnvelope): RoutedChat {
  const { channel, accountId, chat, space } = env;
  return {
    channel,
    accountId,
    kind: chat.kind,
    chatId: chat.id,
    threadId: chat.threadId,
    guildId: space?.guildId,
    teamId: space?.teamId,
    roleIds: space?.roleIds,
  };
}

/** A chat's plain channel key (the default agent's session of it). */
export function plainChatKey(chat: RoutedChat): string {
  return channelSessionKey(chat.channel, chat.accountId, chat.chatId, chat.threadId);
}

/** A session of `agentId`: the default agent keeps the plain key (as before several agents). */
export function agentSessionKey(agentId: string, rest: string): string {
  return agentId === DEFAULT_AGENT_ID ? rest : `agent:${agentId}:${rest}`;
}

type Match = AgentBinding['match'];

/**
 * The tiers, most specific first (the reference's order): the chat's thread, the chat, every chat
 * of its kind, the guild with roles, the guild, the team, the account, any account.
 */
const TIERS = ['thread', 'chat', 'kind', 'guild+roles', 'guild', 'team', 'account', 'channel'] as const;
type Tier = (typeof TIERS)[number];

/** The tiers a binding can match in: a peer id may name the thread or the chat itself. */
function tiersOf(m: Match): readonly Tier[] {
  if (m.peer) return m.peer.id === '*' ? ['kind'] : ['thread', 'chat'];
  if (m.guildId) return m.roles ? ['guild+roles'] : ['guild'];
  if (m.teamId) return ['team'];
  return m.accountId === '*' ? ['channel'] : ['account'];
}

/** Discord guild channels are `group` here and `channel` in many configs: the two are one kind. */
function sameKind(a: string, b: string): boolean {
  return a === b || (a !== 'direct' && b !== 'direct');
}

/** Does the binding match the chat in this tier? Every field it gives must match (AND). */
function matchesIn(tier: Tier, m: Match, chat: RoutedChat): boolean {
  if (m.channel !== chat.channel) return false;
  const account = m.accountId ?? 'default';
  if (account !== '*' && account !== chat.accountId) return false;
  if (m.peer) {
    // Edits and reactions carry no kind: the chat id decides, and a kind-wide binding cannot.
    if (chat.kind === undefined ? tier === 'kind' : !sameKind(m.peer.kind, chat.kind)) return false;
    if (tier === 'thread' && (chat.threadId === undefined || m.peer.id !== chat.threadId)) return false;
    if (tier === 'chat' && m.peer.id !== chat.chatId) return false;
  }
  if (m.guildId !== undefined && m.guildId !== chat.guildId) return false;
  if (m.teamId !== undefined && m.teamId !== chat.teamId) return false;
  if (m.roles && !m.roles.some((r) => chat.roleIds?.includes(r))) return false;
  return true;
}

/**
 * Which agent answers a chat: the most specific matching binding (see TIERS), within a tier the
 * first listed. A binding without `accountId` is for the account named `default`. Unmatched: main.
 */
export function routeChat(bindings: readonly AgentBinding[], chat: RoutedChat): string {
  let best: { rank: number; agentId: string } | undefined;
  for (const b of bindings) {
    for (const tier of tiersOf(b.match)) {
      const rank = TIERS.indexOf(tier);
      if (best !== undefined && rank >= best.rank) continue;
      if (matchesIn(tier, b.match, chat)) best = { rank, agentId: b.agentId };
    }
    if (best?.rank === 0) break;
  }
  return best?.agentId ?? DEFAULT_AGENT_ID;
}

/** The session a chat's messages go to: its channel key, under the agent its bindings route it to. */
export function routedSessionKey(bindings: readonly AgentBinding[], chat: RoutedChat): string {
  const key = plainChatKey(chat);
  return bindings.length === 0 ? key : agentSessionKey(routeChat(bindings, chat), key);
}

/**
 * The sessions an edit or reaction in a chat may belong to, the routed one first. An update knows
 * less than the message it changes (no kind, no sender roles), so the message may sit in the
 * session of another agent bound on that channel.
 */
export function updateSessionKeys(bindings: readonly AgentBinding[], chat: RoutedChat): string[] {
  const key = plainChatKey(chat);
  const keys = new Set([routedSessionKey(bindings, chat)]);
  for (const b of bindings) if (b.match.channel === chat.channel) keys.add(agentSessionKey(b.agentId, key));
  keys.add(key);
  return [...keys];
}
