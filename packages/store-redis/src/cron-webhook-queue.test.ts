import { randomUUID } from 'node:crypto';
import { createLogger, systemClock, WebhookQueue } from '@openclaw/gateway-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { needs } from '../../../tooling/vitest/requirements.ts';
import { createRedisStore } from './redis-store.ts';
import { type RedisServer, startRedisServer } from './testing/index.ts';

const settings = () => ({ timeoutMs: 1000, attempts: 3, delayMs: 10 });

// Two gateways on one Redis queue webhook POSTs at the same moment: each run's POST is its own
// stored entry, so neither gateway's write can overwrite the other's.
describe('cron webhook queues of two gateways on one Redis', needs('redis-server'), () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('loses no POST when both enqueue at once', async () => {
    const prefix = `oc-test:${randomUUID()}:`;
    const log = createLogger({ level: 'silent' });
    const gateways = [0, 1].map(() => {
      const store = createRedisStore({ url: server.url, prefix });
      return { store, queue: new WebhookQueue({ store, clock: systemClock, log, settings }) };
    });
    try {
      // Not started: nothing is attempted, so the stored entries are exactly what was enqueued.
      const ids = Array.from({ length: 40 }, (_, i) => `cron_${i}`);
      await Promise.all(
        ids.map((runId, i) =>
          gateways[i % 2]!.queue.enqueue({ runId, jobId: 'job_1', url: 'https://example.com/h', body: '{}' }),
        ),
      );
      const seen = (await gateways[0]!.queue.pending()).map((p) => p.runId).sort();
      expect(seen).toEqual([...ids].sort());
    } finally {
      for (const g of gateways) {
        await g.queue.close();
        await g.store.close();
      }
    }
  });
});
