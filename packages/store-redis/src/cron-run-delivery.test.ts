import { randomUUID } from 'node:crypto';
import { type CronRunRecord, replyOutboxId, runRow, settleDelivery } from '@openclaw/gateway-core';
import { queuedOutboxRecord } from '@openclaw/gateway-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { createRedisStore } from './redis-store.ts';
import { type RedisServer, startRedisServer } from './testing/index.ts';

// In a cluster the gateway that ran a cron job need not be the one serving the chat its reply goes
// to: the run finds its reply's outbox record in the shared store, by the agent run's id.
describe('a cron run’s delivery across two gateways on one Redis', needs('redis-server'), () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('the gateway that ran the job sees the reply delivered (or given up) by another', async () => {
    const prefix = `oc-test:${randomUUID()}:`;
    const ran = createRedisStore({ url: server.url, prefix });
    const delivering = createRedisStore({ url: server.url, prefix });
    const row = async (runId: string) => {
      const [run] = await ran.cron.runs({ runId, limit: 1 });
      const { run: settled, pending } = await settleDelivery(ran, run!);
      return runRow(settled, false, pending);
    };
    try {
      const runs = ['agent_a', 'agent_b'].map(
        (agentRunId): CronRunRecord => ({
          runId: `cron_${agentRunId}`,
          jobId: 'job_1',
          trigger: 'schedule',
          status: 'ok',
          scheduledAtMs: 1000,
          startedAtMs: 1000,
          endedAtMs: 2000,
          agentRunId,
          delivers: true,
          outboxId: replyOutboxId(agentRunId),
        }),
      );
      for (const run of runs) {
        await ran.cron.putRun(run);
        await delivering.outbox.enqueue(queuedOutboxRecord({ id: run.outboxId! }));
      }
      expect(await row(runs[0]!.runId)).toMatchObject({ status: 'running', endedAtMs: null });
      await delivering.outbox.update(runs[0]!.outboxId!, { status: 'delivered', deliveredAtMs: 3000 });
      await delivering.outbox.update(runs[1]!.outboxId!, { status: 'failed', lastError: '403 blocked' });
      expect(await row(runs[0]!.runId)).toMatchObject({
        status: 'ok',
        deliveryStatus: 'delivered',
        delivered: true,
        completionStatus: 'succeeded',
      });
      expect(await row(runs[1]!.runId)).toMatchObject({
        deliveryStatus: 'not-delivered',
        deliveryError: '403 blocked',
        completionStatus: 'failed',
      });
      // Kept on the run, for every gateway, once the outbox has pruned the records.
      expect(await delivering.outbox.prune(Number.MAX_SAFE_INTEGER)).toBe(2);
      const [kept] = await delivering.cron.runs({ runId: runs[0]!.runId, limit: 1 });
      expect(kept?.delivery).toEqual({ status: 'delivered' });
    } finally {
      await ran.close();
      await delivering.close();
    }
  });
});
