import type { Store } from '../store/types.ts';
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
    }
  | { ok: false; reason: 'no-route' | 'target-none' };

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
): Promise<HeartbeatRoute> {
  if (s.target === 'none') return { ok: false, reason: 'target-none' };
  if (s.target !== 'last')
    return s.to
      ? { ok: true, channel: s.target, to: s.to, ...(s.accountId ? { accountId: s.accountId } : {}) }
      : { ok: false, reason: 'no-route' };
  const { sessions } = await store.sessions.list({ limit: LAST_ROUTE_SCAN, offset: 0 });
  const last = sessions
    .filter((x) => x.kind === 'channel' && x.channel && x.chatId && agents.agentOf(x.key) === s.agentId)
    .filter((x) => !s.accountId || x.accountId === s.accountId)
    .sort((a, b) => b.updatedAtMs - a.updatedAtMs)[0];
  if (!last?.channel || !last.chatId) return { ok: false, reason: 'no-route' };
  return {
    ok: true,
    channel: last.channel,
    to: last.chatId,
    sessionKey: last.key,
    ...(last.accountId ? { accountId: last.accountId } : {}),
    ...(last.threadId ? { threadId: last.threadId } : {}),
  };
}
