import type { CronRunRecord as CronRunRow } from '@openclaw/protocol';
import type { CronRunRecord, Store } from '../store/types.ts';

/**
 * A run as it stands, delivery included: a run that delivers (a send, an agent turn's reply) is
 * done once the outbox record it handed its message to is delivered or given up. That record is
 * in the store, so this holds whichever gateway of a cluster served the chat. A settled outcome is
 * written on the run, since the outbox prunes settled records after a while.
 */
export async function settleDelivery(
  store: Pick<Store, 'outbox' | 'cron'>,
  run: CronRunRecord,
): Promise<{ run: CronRunRecord; pending: boolean }> {
  // A webhook's queue writes the outcome on the run itself once its POST succeeds or is given up.
  if (run.webhook) return { run, pending: !run.delivery };
  if (run.status !== 'ok' || !run.outboxId || run.delivery) return { run, pending: false };
  const record = await store.outbox.get(run.outboxId);
  // No record: the turn had no reply to send, or it was pruned before anyone asked (unknown).
  if (!record) return { run, pending: false };
  if (record.status === 'queued' || record.status === 'sending') return { run, pending: true };
  const settled: CronRunRecord = {
    ...run,
    delivery:
      record.status === 'delivered'
        ? { status: 'delivered' }
        : { status: 'not-delivered', ...(record.lastError ? { error: record.lastError } : {}) },
  };
  await store.cron.putRun(settled);
  return { run: settled, pending: false };
}

/**
 * The row `cron.runs` shows, in the reference's terms: `completionStatus` when it is known (the
 * turn failed; nothing to deliver; or delivery settled), `deliveryStatus` / `delivered` /
 * `deliveryError` from the delivery. `quiet`: the run had nothing to deliver. `pending`: its
 * message is still in the outbox, so the run shows as running.
 */
export function runRow(r: CronRunRecord, quiet: boolean, pending: boolean): CronRunRow {
  const {
    error,
    errorReason,
    interrupted: _i,
    agentRunId,
    delivers: _d,
    outboxId: _o,
    webhook: _w,
    bestEffort,
    delivery,
    ...rest
  } = r;
  const row: CronRunRow = {
    ...rest,
    ...(pending ? { status: 'running' as const, endedAtMs: null } : {}),
    ...(error !== undefined ? { error } : {}),
    ...(errorReason !== undefined ? { errorReason } : {}),
    ...(agentRunId !== undefined ? { agentRunId } : {}),
  };
  if (row.status === 'running') return row;
  if (row.status !== 'ok') return { ...row, completionStatus: 'failed' };
  if (quiet) return { ...row, deliveryStatus: 'not-requested', completionStatus: 'succeeded' };
  if (!delivery) return row;
  const delivered = delivery.status === 'delivered';
  const suppressed = delivery.suppressionReason;
  return {
    ...row,
    deliveryStatus: delivery.status,
    delivered,
    ...(delivery.error !== undefined ? { deliveryError: delivery.error } : {}),
    ...(suppressed ? { deliverySuppressionReason: suppressed } : {}),
    // A best-effort delivery that failed does not fail the run (the reference's completion), nor
    // does nothing sent on purpose.
    completionStatus: delivered || bestEffort || suppressed ? 'succeeded' : 'failed',
  };
}

/** The reference's `cron.runs` filters over rows (finished runs for a status filter). */
export interface RunFilter {
  status?: 'all' | 'ok' | 'error' | 'skipped' | undefined;
  statuses?: string[] | undefined;
  deliveryStatus?: DeliveryFilter | undefined;
  deliveryStatuses?: DeliveryFilter[] | undefined;
  query?: string | undefined;
  sortDir?: 'asc' | 'desc' | undefined;
}
type DeliveryFilter = 'delivered' | 'not-delivered' | 'unknown' | 'not-requested';

/** Whether any filter (or an order other than newest first) was asked for. */
export function filtersRuns(f: RunFilter): boolean {
  return Boolean(
    (f.status && f.status !== 'all') ||
      f.statuses ||
      f.deliveryStatus ||
      f.deliveryStatuses ||
      f.query?.trim() ||
      f.sortDir === 'asc',
  );
}

/** Rows (newest first) that pass the filters, in the order asked for. */
export function filterRuns(rows: CronRunRow[], f: RunFilter): CronRunRow[] {
  const statuses = new Set<string>([
    ...(f.status && f.status !== 'all' ? [f.status] : []),
    ...(f.statuses ?? []),
  ]);
  const deliveries = new Set<string>([
    ...(f.deliveryStatus ? [f.deliveryStatus] : []),
    ...(f.deliveryStatuses ?? []),
  ]);
  const needle = f.query?.trim().toLowerCase();
  const out = rows.filter(
    (r) =>
      (statuses.size === 0 || statuses.has(r.status)) &&
      (deliveries.size === 0 || deliveries.has(r.deliveryStatus ?? 'unknown')) &&
      (!needle || [r.error ?? '', r.deliveryError ?? ''].join(' ').toLowerCase().includes(needle)),
  );
  return f.sortDir === 'asc' ? out.reverse() : out;
}
