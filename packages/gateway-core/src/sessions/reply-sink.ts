import type { Outbox } from '../channels/outbox.ts';
import type { Logger } from '../logging/logger.ts';
import type { OutboxMedia, RunDelivery } from '../store/types.ts';

export type ReplyTarget = RunDelivery;

/** Where a run's reply to a channel chat goes: the outbox, which sends it through the provider. */
export interface ReplySink {
  enqueue(reply: Reply): Promise<unknown>;
}

export type Reply = ReplyTarget & { text: string; sessionKey: string; runId?: string; media?: OutboxMedia[] };

/**
 * How a finished run hands its reply over: queued to the sink, true once queued; false (logged)
 * when it could not be, so the run's end is then written on its own.
 */
export function replyDelivery(sink: ReplySink, log: Logger, reply: Reply): () => Promise<boolean> {
  return () =>
    sink.enqueue(reply).then(
      () => true,
      (error: unknown) => {
        log.error({ runId: reply.runId, err: error }, 'run reply could not be queued for delivery');
        return false;
      },
    );
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
