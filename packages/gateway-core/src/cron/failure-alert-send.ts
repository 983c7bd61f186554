import type { SendParams } from '@openclaw/protocol';
import type { Channels } from '../channels/create-channels.ts';
import type { Logger } from '../logging/logger.ts';
import type { CronJobRecord, Store } from '../store/types.ts';
import type { AlertNotice } from './failure-alerts.ts';
import { resolveLastRoute } from './last-route.ts';
import type { WebhookQueue } from './webhook-queue.ts';

export interface AlertSendDeps {
  channels: Pick<Channels, 'send'>;
  store: Pick<Store, 'sessions'>;
  webhooks: WebhookQueue;
  log: Logger;
}

/**
 * Send one alert or recovery notice of a run, durably and at most once: a chat notice through
 * the outbox under a key of the job, the run and the notice's kind (the same run's notice queued
 * again, after a restart or by another gateway, is the same message); a webhook notice through the
 * job webhook queue (its network policy, token and retries), the same key as its Idempotency-Key.
 */
export async function sendAlert(
  deps: AlertSendDeps,
  job: Pick<CronJobRecord, 'id' | 'name' | 'agentId' | 'action'>,
  notice: AlertNotice,
  run: { runId: string; startedAtMs: number },
): Promise<void> {
  const key = `cron-alert|${job.id}|${run.runId}|${notice.kind}`;
  const route = notice.route;
  if (route.mode === 'webhook') {
    const refused = await deps.webhooks.enqueue({
      runId: key,
      jobId: job.id,
      url: route.to,
      body: JSON.stringify({
        jobId: job.id,
        jobName: job.name,
        message: notice.webhookMessage,
        runAtMs: run.startedAtMs,
      }),
    });
    if (refused) throw new Error(`failure alert not queued: ${refused}`);
    deps.webhooks.kick(key);
    return;
  }
  let target = route.channel && route.to ? route : undefined;
  if (!target) {
    const last = await resolveLastRoute(deps.store, job);
    if (!last.ok) throw new Error(`failure alert not sent: ${last.error}`);
    const { channel, accountId, chatId, threadId } = last.target;
    target = { mode: 'announce', channel, to: chatId, accountId, threadId };
  }
  const p: SendParams = { to: target.to as string, message: notice.text, idempotencyKey: key };
  if (target.channel) p.channel = target.channel;
  if (target.accountId) p.accountId = target.accountId;
  if (target.threadId) p.threadId = target.threadId;
  await deps.channels.send(p, 'cron');
}
