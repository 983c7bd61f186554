import type { Logger } from '../logging/logger.ts';
import type { OutboxRecord, Store } from '../store/types.ts';
import type { ChannelAdapter, ChannelCapabilities } from './sdk/types.ts';

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

export interface InDoubtDeps {
  adapter: ChannelAdapter | undefined;
  caps: ChannelCapabilities | undefined;
  /** The operator's choice for a platform that does not dedupe sends (`outbox.inDoubt`). */
  policy(): 'resend' | 'skip';
  log: Logger;
  now(): number;
  /** Write a patch of the record (and apply it to the record in memory). */
  update(patch: Parameters<Store['outbox']['update']>[1]): Promise<void>;
}

/**
 * Decide what became of a part left in flight by a restart: found in the chat, it counts as sent;
 * otherwise it is sent again where the platform dedupes sends, else as the operator chose.
 */
export async function settleInDoubt(r: OutboxRecord, d: InDoubtDeps): Promise<void> {
  if (!d.caps?.idempotentSend) {
    const found = await findInChat(d.adapter, r, d.log);
    if (found) {
      d.log.warn(
        { outboxId: r.id, channel: r.channel, part: r.partsSent },
        'outbox: a send was interrupted by a restart; the chat has it, so it is not sent again',
      );
      return countPartSent(r, found, d);
    }
  }
  const policy = d.caps?.idempotentSend ? 'resend' : d.policy();
  if (policy === 'resend') {
    d.log.warn(
      {
        outboxId: r.id,
        channel: r.channel,
        part: r.partsSent,
        platformDedupes: d.caps?.idempotentSend === true,
      },
      'outbox: a send was interrupted by a restart; sending that part again',
    );
    await d.update({ inFlight: false, inDoubtResends: r.inDoubtResends + (d.caps?.idempotentSend ? 0 : 1) });
  } else {
    d.log.warn(
      { outboxId: r.id, channel: r.channel, part: r.partsSent },
      'outbox: a send was interrupted by a restart; assuming it went out (outbox.inDoubt = skip)',
    );
    await countPartSent(r, ['unconfirmed'], d);
  }
}

/** The part in doubt counts as sent, under these platform ids. */
function countPartSent(r: OutboxRecord, ids: string[], d: InDoubtDeps): Promise<void> {
  const partsSent = r.partsSent + 1;
  return d.update({
    inFlight: false,
    partsSent,
    platformIds: [...r.platformIds, ...ids],
    ...(partsSent >= r.chunks.length + r.media.length
      ? { status: 'delivered' as const, deliveredAtMs: d.now() }
      : {}),
  });
}
