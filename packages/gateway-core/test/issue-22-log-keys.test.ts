// Issue 22: a log line never carries the same key twice (pino appends child bindings).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigManager } from '../src/config/config-manager.ts';
import { createGatewayCore } from '../src/gateway-core.ts';
import { createLogger } from '../src/logging/logger.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';
import { queuedOutboxRecord } from '../src/testing/outbox-record.ts';

describe('component keys in log lines', () => {
  it("the outbox's lines say component once, and say outbox", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-logkeys-'));
    const path = join(dir, 'gateway.db');
    try {
      // A send left undelivered by an earlier run: the outbox reports it on start.
      const before = createSqliteStore({ path });
      const now = Date.now();
      await before.outbox.enqueue(
        queuedOutboxRecord({ id: 'out_1', nextAttemptAtMs: now, createdAtMs: now, updatedAtMs: now }),
      );
      await before.close();
      const lines: string[] = [];
      const core = await createGatewayCore({
        config: ConfigManager.fromObject(join(dir, 'openclaw.json'), {}),
        store: createSqliteStore({ path }),
        log: createLogger({ level: 'debug', destination: { write: (l: string) => void lines.push(l) } }),
        version: '0.0.0-test',
        secrets: () => ({ token: 'test-token-0123456789abcdef' }),
      });
      await core.close();
      const outbox = lines.find((l) => l.includes('undelivered sends waiting'));
      expect(outbox).toBeDefined();
      expect(outbox?.match(/"component":/g)).toHaveLength(1);
      expect(JSON.parse(outbox ?? '{}')).toMatchObject({ component: 'outbox', count: 1 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
