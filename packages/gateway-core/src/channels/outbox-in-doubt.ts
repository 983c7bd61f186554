import type { Logger } from '../logging/logger.ts';
import type { OutboxRecord } from '../store/types.ts';
import type { ChannelAdapter } from './sdk/types.ts';

/**
 * A part left in flight by a restart, looked for in the chat where the platform lets us look
 * (Slack: the part's nonce in the recent history). Its platform ids when it is there; undefined
 * when it is not, when the adapter cannot look, or when looking failed (the in-doubt policy decides).
 */
export async function findInChat(
  adapter: ChannelAdapter | undefined,
  r: OutboxRecord,
  log: Logger,
): Promise<string[] | undefined> {
  if (!adapter?.findSent) return undefined;
  const to = r.threadId ? { chatId: r.chatId, threadId: r.threadId } : { chatId: r.chatId };
  return adapter.findSent(to, `${r.id}:${r.partsSent}`, r.updatedAtMs).catch((error: unknown) => {
    log.warn({ outboxId: r.id, err: error }, 'outbox: could not check the chat for a part in doubt');
    return undefined;
  });
}
