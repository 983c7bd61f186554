import type { GatewayConfig } from '@openclaw/protocol';
import type { SessionRecord, Store } from '../store/types.ts';
import type { AgentHeartbeatSettings } from './agent-heartbeat-settings.ts';

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
       * recorded from inbound messages; undefined when no session of that chat says.
       */
      direct?: boolean | undefined;
    }
  | { ok: false; reason: 'no-route' | 'target-none' };

/** A sender id as its channel writes it (`tg:1001` → `1001`), as access control reads allowFrom. */
export type SenderIds = (channel: string, id: string) => string;

/** Sessions looked at for the last route: the most recently active ones come first. */
const LAST_ROUTE_SCAN = 200;

/**
 * Where an agent's heartbeat alert goes. `last`: the chat of the agent's most recently active
 * channel session (each chat has its own session here, so that is where its main session's last
 * conversation is); a channel id: its `to`; `none`: nowhere.
 */
export async function resolveHeartbeatRoute(
  store: Pick<Store, 'sessions'>,
  agents: { agentOf(sessionKey: string): string },
  s: Pick<AgentHeartbeatSettings, 'agentId' | 'target' | 'to' | 'accountId'>,
  config?: Pick<GatewayConfig, 'commands' | 'channels'>,
  normalize: SenderIds = (_channel, id) => id,
): Promise<HeartbeatRoute> {
  if (s.target === 'none') return { ok: false, reason: 'target-none' };
  if (s.target === 'owner') return ownerRoute(store, agents, s.agentId, config, normalize);

  if (s.target !== 'last') {
    if (!s.to) return { ok: false, reason: 'no-route' };
    const { channel, to, accountId } = { channel: s.target, to: s.to, accountId: s.accountId };
    // Any agent's session with that chat knows its kind.
    const known = (await channelChats(store)).find(
      (x) =>
        x.channel === channel && x.chatId === to && (!accountId || x.accountId === accountId) && x.chatKind,
    );
    return { ok: true, channel, to, ...(accountId ? { accountId } : {}), ...directOf(known) };
  }
  const last = (await agentChats(store, agents, s.agentId)).filter(
    (x) => !s.accountId || x.accountId === s.accountId,
  )[0];
  if (!last?.channel || !last.chatId) return { ok: false, reason: 'no-route' };
  return {
    ok: true,
    channel: last.channel,
    to: last.chatId,
    sessionKey: last.key,
    ...(last.accountId ? { accountId: last.accountId } : {}),
    ...(last.threadId ? { threadId: last.threadId } : {}),
    ...directOf(last),
  };
}

/** `direct` from a session's recorded chat kind; nothing when none is recorded. */
const directOf = (x: Pick<SessionRecord, 'chatKind'> | undefined) =>
  x?.chatKind ? { direct: x.chatKind === 'direct' } : {};

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

/** `<channel>:<id>` of an allow list entry that names one sender; `*` and bare ids name no one. */
function concrete(
  entry: string | number,
  channels: ReadonlySet<string>,
  normalize: SenderIds,
  channel?: string,
) {
  const text = String(entry).trim();
  const at = text.indexOf(':');
  const [ch, id] = channel ? [channel, text] : [text.slice(0, at), text.slice(at + 1).trim()];
  if ((!channel && at <= 0) || !id || id === '*' || !channels.has(ch)) return undefined;
  const to = normalize(ch, id);
  return to ? { channel: ch, to } : undefined;
}

/**
 * The operator's direct chat: the first `commands.ownerAllowFrom` entry on a configured channel,
 * else the first sender of a channel's (or its accounts') `allowFrom`. On the platforms here a
 * user's id is the chat id of their direct chat; when the agent already talks there, that chat's
 * account, thread and session are kept.
 */
async function ownerRoute(
  store: Pick<Store, 'sessions'>,
  agents: { agentOf(sessionKey: string): string },
  agentId: string,
  config: Pick<GatewayConfig, 'commands' | 'channels'> | undefined,
  normalize: SenderIds,
): Promise<HeartbeatRoute> {
  const channels = (config?.channels ?? {}) as Record<string, unknown>;
  const ids = new Set(Object.keys(channels).filter((c) => c !== 'defaults'));
  let owner: { channel: string; to: string; accountId?: string } | undefined;
  for (const e of config?.commands?.ownerAllowFrom ?? []) owner ??= concrete(e, ids, normalize);
  for (const [channel, raw] of Object.entries(channels)) {
    if (owner || !ids.has(channel) || !isObj(raw)) continue;
    for (const e of list(raw.allowFrom)) owner ??= concrete(e, ids, normalize, channel);
    for (const [accountId, a] of Object.entries(isObj(raw.accounts) ? raw.accounts : {})) {
      const found = isObj(a)
        ? list(a.allowFrom)
            .map((e) => concrete(e, ids, normalize, channel))
            .find(Boolean)
        : undefined;
      if (!owner && found) owner = { ...found, accountId };
    }
  }
  if (!owner) return { ok: false, reason: 'no-route' };
  const chat = (await agentChats(store, agents, agentId)).find(
    (x) =>
      x.channel === owner.channel &&
      x.chatId === owner.to &&
      (!owner.accountId || x.accountId === owner.accountId),
  );
  const accountId = chat?.accountId ?? owner.accountId;
  return {
    ok: true,
    channel: owner.channel,
    to: owner.to,
    direct: true,
    ...(accountId ? { accountId } : {}),
    ...(chat?.threadId ? { threadId: chat.threadId } : {}),
    ...(chat ? { sessionKey: chat.key } : {}),
  };
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): (string | number)[] => (Array.isArray(v) ? v : []);
