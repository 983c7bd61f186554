import type { CronRunRecord, Store } from '../store/types.ts';

/**
 * What a finished agent turn tells of its reply's delivery before the outbox does: a reply is
 * queued before its turn ends, so none queued for a turn that answered means it could not be (no
 * such channel or account) and is not deliverable. Undefined: the outbox record (if any) decides.
 */
export async function replyDeliveryAtEnd(
  store: Pick<Store, 'outbox'>,
  run: Pick<CronRunRecord, 'outboxId'>,
  end: { ok: boolean; output?: string | undefined },
): Promise<CronRunRecord['delivery']> {
  if (!run.outboxId || !end.ok || (await store.outbox.get(run.outboxId))) return undefined;
  if (end.output?.trim())
    return { status: 'not-delivered', error: 'the reply could not be queued for delivery' };
  return undefined;
}
