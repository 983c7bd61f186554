import { plainChatKey, type RoutedChat } from '../agents/agent-routing.ts';
import type { Logger } from '../logging/logger.ts';
import type { SessionMessagePatch, SessionMessageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { InboundUpdate } from './sdk/types.ts';

/**
 * Edits, deletes and reactions from the platforms into the stored history. A message is found by
 * the id the inbound path stored it under (`<channel>:<platform id>`) in its chat's session; one
 * the gateway never stored (sent before it ran, or pruned) is left alone. Only the sender's own
 * edits and deletes count, as on the platforms themselves.
 */
export function createInboundUpdates(o: {
  store: Store;
  clock: Clock;
  log: Logger;
  onUpdated?: (message: SessionMessageRecord) => void;
  /**
   * The sessions a chat's message may be in (routed to agents), most likely first; default: its
   * plain channel key.
   */
  chatSessionKeys?: ((chat: RoutedChat) => string[]) | undefined;
}): (event: InboundUpdate) => Promise<void> {
  return async (event) => {
    const { channel, accountId, chat, space } = event;
    const routed: RoutedChat = {
      channel,
      accountId,
      chatId: chat.id,
      threadId: chat.threadId,
      guildId: space?.guildId,
      teamId: space?.teamId,
    };
    const id = `${event.channel}:${event.messageId}`;
    let key = '';
    let current: SessionMessageRecord | undefined;
    for (const candidate of o.chatSessionKeys?.(routed) ?? [plainChatKey(routed)]) {
      current = (await o.store.sessions.history(candidate, { limit: 200 })).find((m) => m.id === id);
      key = candidate;
      if (current) break;
    }
    if (!current) {
      o.log.debug(
        { channel: event.channel, type: event.type, id },
        'update for a message not in the history',
      );
      return;
    }
    let patch: SessionMessagePatch;
    switch (event.type) {
      case 'edit':
        if (current.senderId !== undefined && current.senderId !== event.senderId) return;
        patch = { text: event.text, editedAtMs: event.at };
        break;
      case 'delete':
        if (current.senderId !== undefined && current.senderId !== event.senderId) return;
        patch = { deletedAtMs: event.at };
        break;
      case 'reaction': {
        // A removal without an emoji (WhatsApp) takes back whatever that sender had put there.
        const others = (current.reactions ?? []).filter(
          (r) =>
            !(r.senderId === event.senderId && (r.emoji === event.emoji || (event.removed && !event.emoji))),
        );
        patch = {
          reactions: event.removed ? others : [...others, { emoji: event.emoji, senderId: event.senderId }],
        };
        break;
      }
    }
    const updated = await o.store.sessions.updateMessage(key, id, patch);
    if (updated) o.onUpdated?.(updated);
  };
}
