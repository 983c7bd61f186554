import type { Outbox } from '../channels/outbox.ts';
import type { Logger } from '../logging/logger.ts';
import type { OutboxMedia, RunDelivery, SessionRecord } from '../store/types.ts';
import { reasoningMessage } from './session-reasoning.ts';

export type ReplyTarget = RunDelivery;

/** Where a run's reply to a channel chat goes: the outbox, which sends it through the provider. */
export interface ReplySink {
  enqueue(reply: Reply): Promise<unknown>;
}

/** Where a reply in a session goes: its chat, for a channel session; nowhere otherwise. */
export function replyTargetOf(session: SessionRecord): ReplyTarget | undefined {
  if (session.kind !== 'channel' || !session.channel || !session.accountId || !session.chatId)
    return undefined;
  return {
    channel: session.channel,
    accountId: session.accountId,
    chatId: session.chatId,
    threadId: session.threadId,
  };
}

export type Reply = ReplyTarget & {
  text: string;
  sessionKey: string;
  runId?: string;
  media?: OutboxMedia[];
  /** What the model reasoned before the answer: sent before it only where the session shows reasoning. */
  reasoning?: string | undefined;
};

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

/**
 * The outbox as a run's reply sink: each reply under its run's id (and queued once per run). Where
 * `showsReasoning` says the run's session shows it (reasoningLevel `on`, or the run's own), the model's reasoning goes
 * first as a message of its own (the chat's queue keeps the order); one that cannot be queued is
 * logged and the answer still goes.
 */
export function outboxReplies(
  outbox: Pick<Outbox, 'enqueue'>,
  o: { showsReasoning?: (sessionKey: string, runId?: string) => Promise<boolean>; log?: Logger } = {},
): ReplySink {
  return {
    async enqueue({ runId, reasoning, ...reply }) {
      const thought =
        reasoning && (await o.showsReasoning?.(reply.sessionKey, runId)) ? reasoningMessage(reasoning) : '';
      if (thought) {
        const { media: _media, ...target } = reply;
        await outbox
          .enqueue({
            ...target,
            text: thought,
            ...(runId ? { id: `out_reasoning_${runId}`, dedupeKey: `reasoning|${runId}` } : {}),
          })
          .catch((error: unknown) => o.log?.warn({ runId, err: error }, 'reasoning could not be queued'));
      }
      return outbox.enqueue(
        runId ? { ...reply, id: replyOutboxId(runId), dedupeKey: `reply|${runId}` } : reply,
      );
    },
  };
}
