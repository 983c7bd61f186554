import type { CoreAccountConfig } from '../channels/account-config.ts';
import { ownersOn } from '../channels/owner-entries.ts';
import type { SessionRecord } from '../store/session-types.ts';
import { guessChatKind } from './target-chat-kind.ts';

/** A resolved channel account as the account table holds it: its allowFrom inherited and normalised. */
export interface OwnerAccount {
  channel: string;
  configured: boolean;
  core: Pick<CoreAccountConfig, 'accountId' | 'enabled' | 'allowFrom'>;
}

/** Where the owner is looked for. */
export interface OwnerSources {
  /** `commands.ownerAllowFrom`. */
  ownerAllowFrom: readonly (string | number)[];
  /** The resolved channel accounts, in config order. */
  accounts: readonly OwnerAccount[];
  /** A sender id as its channel writes it (`tg:1001` → `1001`), as access control reads allowFrom. */
  normalize: (channel: string, id: string) => string;
}

export const NO_OWNERS: OwnerSources = { ownerAllowFrom: [], accounts: [], normalize: (_c, id) => id };

type Chat = Pick<SessionRecord, 'key' | 'channel' | 'accountId' | 'chatId' | 'threadId' | 'chatKind'>;

export type OwnerRoute =
  | {
      ok: true;
      channel: string;
      to: string;
      accountId: string;
      threadId?: string | undefined;
      sessionKey?: string | undefined;
      direct: true;
    }
  | { ok: false; reason: 'no-route' };

/** An allow-list entry that names no one sender (`*`, `telegram:*`, empty). */
const wildcard = (id: string) => !id || id === '*' || id.endsWith(':*');

/**
 * The accounts whose owners count, one per channel, in the reference's order: the channel of the
 * agent's most recent chat first, then the others as configured. Per channel the heartbeat's
 * `accountId`, else that recent chat's account, else the channel's first; a disabled or
 * unconfigured one leaves its channel out.
 */
function ownerAccounts(chats: readonly Chat[], accountId: string | undefined, src: OwnerSources) {
  const usable = src.accounts.filter((a) => a.core.enabled && a.configured);
  const last = chats[0];
  const channels = [...new Set([...(last?.channel ? [last.channel] : []), ...usable.map((a) => a.channel)])];
  return channels.flatMap((channel) => {
    const mine = src.accounts.filter((a) => a.channel === channel);
    const wanted = accountId ?? (last?.channel === channel ? last.accountId : undefined);
    const a = wanted ? mine.find((x) => x.core.accountId === wanted) : mine[0];
    return a && usable.includes(a) ? [a] : [];
  });
}

/**
 * The operator's direct chat, as the reference finds it: per channel (ownerAccounts' order) the
 * first of its `commands.ownerAllowFrom` owners (see ownersOn) that is a direct chat there, else
 * the first sender of that account's `allowFrom`. On the platforms here a user's id is the chat id
 * of their direct chat. The route never goes to a group: the chat must be known direct (the
 * agent's session with it says so, or its id's form does), else there is no route. When the agent
 * already talks there, that chat's thread and session are kept.
 */
export function resolveOwnerRoute(
  chats: readonly Chat[],
  accountId: string | undefined,
  src: OwnerSources,
): OwnerRoute {
  const accounts = ownerAccounts(chats, accountId, src);
  const named = src.accounts.map((a) => a.channel);
  const kindOf = (channel: string, to: string) =>
    chats.find((x) => x.channel === channel && x.chatId === to && x.chatKind)?.chatKind ??
    guessChatKind(channel, to);
  const route = (a: OwnerAccount, to: string): OwnerRoute => {
    if (kindOf(a.channel, to) !== 'direct') return { ok: false, reason: 'no-route' };
    const { channel } = a;
    const chat = chats.find(
      (x) => x.channel === channel && x.chatId === to && x.accountId === a.core.accountId,
    );
    return {
      ok: true,
      channel,
      to,
      accountId: a.core.accountId,
      direct: true,
      ...(chat?.threadId ? { threadId: chat.threadId } : {}),
      ...(chat ? { sessionKey: chat.key } : {}),
    };
  };
  for (const a of accounts) {
    const owners = ownersOn(a.channel, src.ownerAllowFrom, {
      channels: named,
      normalize: (id) => src.normalize(a.channel, id),
    });
    const to = owners.find((id) => kindOf(a.channel, id) === 'direct');
    if (to) return route(a, to);
  }
  for (const a of accounts) {
    const to = a.core.allowFrom.map((x) => x.trim()).find((x) => !wildcard(x));
    // As in the reference, the first sender is the owner: one that is no direct chat is no route.
    if (to) return route(a, to);
  }
  return { ok: false, reason: 'no-route' };
}
