import type { Outbox } from '../channels/outbox.ts';
import type { OutboxMedia, RunDelivery } from '../store/types.ts';

export type ReplyTarget = RunDelivery;

/** Where a run's reply to a channel chat goes: the outbox, which sends it through the provider. */
export interface ReplySink {
  enqueue(
    reply: ReplyTarget & { text: string; sessionKey: string; runId?: string; media?: OutboxMedia[] },
  ): Promise<unknown>;
}

/**
 * The outbox record that carries run `runId`'s reply. Named from the run id, so whoever knows the
 * run (a cron run's record, on any gateway of a cluster) finds what became of its reply in the store.
 */
export function replyOutboxId(runId: string): string {
  return `out_reply_${runId}`;
}

/** The outbox as a run's reply sink: each reply under its run's id (and queued once per run). */
export function outboxReplies(outbox: Pick<Outbox, 'enqueue'>): ReplySink {
  return {
    enqueue: ({ runId, ...reply }) =>
      outbox.enqueue(runId ? { ...reply, id: replyOutboxId(runId), dedupeKey: `reply|${runId}` } : reply),
  };
}
