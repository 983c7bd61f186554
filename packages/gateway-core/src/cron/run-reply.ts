import type { CronRunRecord, Store } from '../store/types.ts';

/**
 * What a finished agent turn tells of its reply's delivery before the outbox does: a reply is
 * queued before its turn ends, so none queued for a turn that answered means it could not be (no
 * such channel or account) and is not deliverable; none for a turn that answered nothing is a
 * suppressed delivery, which completes the run. Undefined: the outbox record decides.
 */
export async function replyDeliveryAtEnd(
  store: Pick<Store, 'outbox'>,
  run: Pick<CronRunRecord, 'outboxId'>,
  end: { ok: boolean; output?: string | undefined },
): Promise<CronRunRecord['delivery']> {
  if (!run.outboxId || !end.ok || (await store.outbox.get(run.outboxId))) return undefined;
  if (end.output?.trim())
    return { status: 'not-delivered', error: 'the reply could not be queued for delivery' };
  // It answered nothing: there was nothing to send, on purpose (the reference's `silent`).
  return { status: 'not-delivered', suppressionReason: 'silent' };
}
