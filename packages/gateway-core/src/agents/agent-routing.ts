import { type AgentBinding, DEFAULT_AGENT_ID } from '@openclaw/protocol';
import type { InboundEnvelope } from '../channels/sdk/types.ts';
import { channelSessionKey } from '../sessions/session-keys.ts';

/** A chat as routing sees it: the kind is unknown for edits and reactions (they carry no kind). */
export interface RoutedChat {
  channel: string;
  accountId: string;
  kind?: 'direct' | 'group' | 'channel' | undefined;
  chatId: string;
  threadId?: string | undefined;
}

/** The chat an inbound message came from. */
export function routedChatOf(env: InboundEnvelope): RoutedChat {
  const { channel, accountId, chat } = env;
  return { channel, accountId, kind: chat.kind, chatId: chat.id, threadId: chat.threadId };
}

/** A chat's plain channel key (the default agent's session of it). */
export function plainChatKey(chat: RoutedChat): string {
  return channelSessionKey(chat.channel, chat.accountId, chat.chatId, chat.threadId);
}

const AGENT_KEY = /^agent:([a-z0-9][a-z0-9_-]{0,63}):(.+)$/;

/**
 * The agent a session key names, by its form alone (`agent:<id>:<rest>`); undefined for keys
 * without one (channel chats of the default agent, `agent:<random>` sessions of `agent` calls).
 */
export function agentIdInKey(key: string): string | undefined {
  return AGENT_KEY.exec(key)?.[1];
}

/** A session of `agentId`: the default agent keeps the plain key (as before several agents). */
export function agentSessionKey(agentId: string, rest: string): string {
  return agentId === DEFAULT_AGENT_ID ? rest : `agent:${agentId}:${rest}`;
}

function accountMatches(binding: AgentBinding, accountId: string): boolean {
  const want = binding.match.accountId ?? 'default';
  return want === '*' || want === accountId;
}

/**
 * Which agent answers a chat: a binding naming the chat (peer) wins, then one naming the account
 * exactly, then one for any account (`*`); within each tier the first listed. Unmatched: main.
 */
export function routeChat(bindings: readonly AgentBinding[], chat: RoutedChat): string {
  let byAccount: string | undefined;
  let byChannel: string | undefined;
  for (const b of bindings) {
    const m = b.match;
    if (m.channel !== chat.channel || !accountMatches(b, chat.accountId)) continue;
    if (m.peer) {
      if (m.peer.id === chat.chatId && (chat.kind === undefined || m.peer.kind === chat.kind))
        return b.agentId;
    } else if (m.accountId === '*') byChannel ??= b.agentId;
    else byAccount ??= b.agentId;
  }
  return byAccount ?? byChannel ?? DEFAULT_AGENT_ID;
}

/** The session a chat's messages go to: its channel key, under the agent its bindings route it to. */
export function routedSessionKey(bindings: readonly AgentBinding[], chat: RoutedChat): string {
  const key = plainChatKey(chat);
  return bindings.length === 0 ? key : agentSessionKey(routeChat(bindings, chat), key);
}
