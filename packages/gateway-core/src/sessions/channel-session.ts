import type { InboundEnvelope } from '../channels/sdk/types.ts';
import type { SessionRecord } from '../store/types.ts';

/** The session row a channel chat's message creates (or completes) under `key`. */
export function channelSessionOf(
  key: string,
  env: InboundEnvelope,
  now: number,
): Omit<SessionRecord, 'messageCount' | 'updatedAtMs'> {
  return {
    key,
    kind: 'channel',
    channel: env.channel,
    accountId: env.accountId,
    chatId: env.chat.id,
    threadId: env.chat.threadId,
    // Kept (and given to sessions from before it was) so a heartbeat knows a DM from a group.
    chatKind: env.chat.kind,
    title: env.chat.title ?? env.sender.name ?? env.sender.username,
    createdAtMs: now,
  };
}
