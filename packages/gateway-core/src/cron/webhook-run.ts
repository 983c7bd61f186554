import type { CronJob } from '@openclaw/protocol';
import type { CronJobRecord, CronRunRecord } from '../store/types.ts';
import type { WebhookQueue } from './webhook-queue.ts';

/** Largest body a job webhook is sent: a longer reply is cut to fit. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;
const CUT = '\n…[truncated]';

/** Where a job's finished runs are POSTed (an agent or main-session job's webhook), if anywhere. */
export function jobWebhook(action: CronJobRecord['action']): string | undefined {
  return action.kind === 'send' ? undefined : action.webhook;
}

/** How a run ended, as the webhook tells it. */
export interface RunResult {
  ok: boolean;
  error?: string | undefined;
  /** The agent's final reply. */
  output?: string | undefined;
}

/**
 * The body a job webhook receives: the reference's "finished" event (jobId, action, the job,
 * runAtMs, durationMs, status, summary or error, delivered), plus the run's id. A failed run's
 * body carries its error and no summary, as the reference's does. Kept under the size limit: a
 * long reply or error is cut, and a job too big to send is left out.
 */
export function webhookBody(
  job: CronJob,
  run: CronRunRecord,
  result: RunResult,
  extra: { endedAtMs: number; sessionKey?: string | undefined },
): string {
  const body: Record<string, unknown> = {
    jobId: job.id,
    action: 'finished',
    runId: run.runId,
    job,
    runAtMs: run.startedAtMs,
    durationMs: Math.max(0, extra.endedAtMs - run.startedAtMs),
    status: result.ok ? 'ok' : 'error',
    ...(result.ok ? { summary: result.output ?? '' } : { error: result.error ?? 'failed' }),
    delivered: true,
    deliveryStatus: 'delivered',
    ...(extra.sessionKey ? { sessionKey: extra.sessionKey } : {}),
    ...(job.nextRunAtMs !== null ? { nextRunAtMs: job.nextRunAtMs } : {}),
  };
  // A job too big to send even without the reply (a very long prompt) is left out; its id stays.
  if (Buffer.byteLength(JSON.stringify({ ...body, summary: '', error: '' })) > MAX_WEBHOOK_BODY_BYTES)
    delete body.job;
  let text = JSON.stringify(body);
  let over = Buffer.byteLength(text) - MAX_WEBHOOK_BODY_BYTES;
  for (const field of ['summary', 'error'] as const) {
    let v = body[field];
    // Cut by bytes; JSON escapes can leave it a little over, so cut again until it fits.
    while (over > 0 && typeof v === 'string' && v.length > 0) {
      const bytes = Buffer.from(v.endsWith(CUT) ? v.slice(0, -CUT.length) : v);
      const keep = Math.max(0, bytes.length - over - Buffer.byteLength(CUT) - 16);
      // A character split by the cut decodes as U+FFFD: drop it.
      v = `${bytes
        .subarray(0, keep)
        .toString('utf8')
        .replace(/\uFFFD$/, '')}${CUT}`;
      body[field] = v;
      text = JSON.stringify(body);
      over = Buffer.byteLength(text) - MAX_WEBHOOK_BODY_BYTES;
      if (keep === 0) break;
    }
  }
  return text;
}

/**
 * Queue a finished run's POST to its job's webhook: the run fields to record with it. A
 * successful run with an empty reply posts nothing (as the reference: nothing to tell).
 */
export async function queueRunWebhook(
  queue: WebhookQueue | undefined,
  url: string,
  job: CronJob,
  run: CronRunRecord,
  result: RunResult,
  extra: { endedAtMs: number; sessionKey?: string | undefined },
): Promise<Pick<CronRunRecord, 'webhook' | 'delivery'>> {
  if (!queue) return { delivery: { status: 'not-delivered', error: 'webhook delivery is not available' } };
  if (result.ok && !result.output?.trim())
    return { delivery: { status: 'not-delivered', error: "the run's reply was empty: nothing was posted" } };
  const refused = await queue.enqueue({
    runId: run.runId,
    jobId: job.id,
    url,
    body: webhookBody(job, run, result, extra),
  });
  return refused ? { delivery: { status: 'not-delivered', error: refused } } : { webhook: true };
}
