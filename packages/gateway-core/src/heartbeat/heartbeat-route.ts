import type { SessionRecord, Store } from '../store/types.ts';
import type { AgentHeartbeatSettings } from './agent-heartbeat-settings.ts';
import { NO_OWNERS, type OwnerSources, resolveOwnerRoute } from './heartbeat-owner-route.ts';
import { guessChatKind } from './target-chat-kind.ts';

export type HeartbeatRoute =
  | {
      ok: true;
      channel: string;
      to: string;
      accountId?: string | undefined;
      threadId?: string | undefined;
      /** The chat's session, which records the alert as sent there. */
      sessionKey?: string | undefined;
      /**
       * Whether the chat is a direct-message chat: true for the owner's, else as its session
       * recorded from inbound messages, else as its id's form tells; undefined when neither does.
       */
      direct?: boolean | undefined;
    }
  | { ok: false; reason: 'no-route' | 'target-none' | 'unknown-account' };

/** Sessions looked at for the last route: the most recently active ones come first. */
const LAST_ROUTE_SCAN = 200;

/**
 * Where an agent's heartbeat alert goes. `owner` (the default): the operator's direct chat;
 * `last`: the chat of the agent's most recently active channel session (each chat has its own
 * session here, so that is where its main session's last conversation is); a channel id: its
 * `to`; `none`: nowhere. `origin`: the session a wake named with its text; for `owner` and `last`
 * its chat, when it is one, comes first (the reference's turn source: the chat an event came from
 * is answered there, the owner looked for only without one).
 */
export async function resolveHeartbeatRoute(
  store: Pick<Store, 'sessions'>,
  agents: { agentOf(sessionKey: string): string },
  s: Pick<AgentHeartbeatSettings, 'agentId' | 'target' | 'to' | 'accountId'>,
  owners: OwnerSources = NO_OWNERS,
  origin?: string,
): Promise<HeartbeatRoute> {
  if (s.target === 'none') return { ok: false, reason: 'target-none' };
  const from =
    origin && (s.target === 'owner' || s.target === 'last') ? await store.sessions.get(origin) : undefined;
  if (from?.kind === 'channel' && from.channel && from.chatId) {
    // As in the reference, an owner target sends through the chat's own account; `last` through
    // the heartbeat's accountId when it names one.
    const accountId = (s.target === 'last' ? s.accountId : undefined) ?? from.accountId;
    if (unknownAccount(from.channel, accountId, owners)) return { ok: false, reason: 'unknown-account' };
    return {
      ok: true,
      channel: from.channel,
      to: from.chatId,
      sessionKey: from.key,
      ...(accountId ? { accountId } : {}),
      ...(from.threadId ? { threadId: from.threadId } : {}),
      ...directOf(from.channel, from.chatId, from),
    };
  }
  if (s.target === 'owner')
    return resolveOwnerRoute(await agentChats(store, agents, s.agentId), s.accountId, owners);

  if (s.target !== 'last') {
    if (!s.to) return { ok: false, reason: 'no-route' };
    const { channel, to, accountId } = { channel: s.target, to: s.to, accountId: s.accountId };
    if (unknownAccount(channel, accountId, owners)) return { ok: false, reason: 'unknown-account' };
    // Any agent's session with that chat knows its kind.
    const known = (await channelChats(store)).find(
      (x) =>
        x.channel === channel && x.chatId === to && (!accountId || x.accountId === accountId) && x.chatKind,
    );
    return { ok: true, channel, to, ...(accountId ? { accountId } : {}), ...directOf(channel, to, known) };
  }
  const chats = await agentChats(store, agents, s.agentId);
  const latest = chats[0]?.channel;
  if (latest && unknownAccount(latest, s.accountId, owners)) return { ok: false, reason: 'unknown-account' };
  const recent = chats.filter((x) => !s.accountId || x.accountId === s.accountId)[0];
  if (!recent?.channel || !recent.chatId) return { ok: false, reason: 'no-route' };
  // As in the reference, `last` goes to the chat, not into the reply thread it last talked in (the
  // alert is then recorded in the agent's session with the chat itself, when it has one); a
  // Telegram group's topic is kept: it is part of where the chat is.
  const topic = recent.channel === 'telegram' && recent.chatKind === 'group';
  const last =
    !recent.threadId || topic ? recent : (chats.find((x) => sameChat(x, recent) && !x.threadId) ?? null);
  return {
    ok: true,
    channel: recent.channel,
    to: recent.chatId,
    ...(last ? { sessionKey: last.key } : {}),
    ...(recent.accountId ? { accountId: recent.accountId } : {}),
    ...(last?.threadId ? { threadId: last.threadId } : {}),
    ...directOf(recent.channel, recent.chatId, recent),
  };
}

const sameChat = (a: Pick<SessionRecord, 'channel' | 'accountId' | 'chatId'>, b: typeof a) =>
  a.channel === b.channel && a.accountId === b.accountId && a.chatId === b.chatId;

/**
 * `direct` from the chat's session's recorded kind, else from the form of its id (a Telegram
 * negative id is a group, …); nothing when neither tells.
 */
function directOf(channel: string, to: string, x: Pick<SessionRecord, 'chatKind'> | undefined) {
  const kind = x?.chatKind ?? guessChatKind(channel, to);
  return kind ? { direct: kind === 'direct' } : {};
}

/**
 * The heartbeat's `accountId` names no account of a channel that has some (the reference's
 * `unknown-account`; a channel with no accounts listed is not checked, as there).
 */
function unknownAccount(channel: string, accountId: string | undefined, owners: OwnerSources): boolean {
  if (!accountId) return false;
  const ids = owners.accounts.filter((a) => a.channel === channel).map((a) => a.core.accountId.toLowerCase());
  return ids.length > 0 && !ids.includes(accountId.trim().toLowerCase());
}

/** Channel sessions, most recently active first. */
async function channelChats(store: Pick<Store, 'sessions'>) {
  const { sessions } = await store.sessions.list({ limit: LAST_ROUTE_SCAN, offset: 0 });
  return sessions
    .filter((x) => x.kind === 'channel' && x.channel && x.chatId)
    .sort((a, b) => b.updatedAtMs - a.updatedAtMs);
}

/** The agent's channel sessions, most recently active first. */
async function agentChats(
  store: Pick<Store, 'sessions'>,
  agents: { agentOf(sessionKey: string): string },
  agentId: string,
) {
  return (await channelChats(store)).filter((x) => agents.agentOf(x.key) === agentId);
}
