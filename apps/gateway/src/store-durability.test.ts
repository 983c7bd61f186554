// The store the gateway itself opens (no cluster: SQLite in the state dir) writes every commit
// through to disk: WAL, synchronous=FULL, as docs/ARCHITECTURE.md says.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SqliteStore } from '@openclaw/gateway-core';
import { expect, it } from 'vitest';
import { runGateway } from './run-gateway.ts';

it('the gateway opens its SQLite store in WAL mode with synchronous=FULL', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'oc-gw-durable-'));
  const lines: string[] = [];
  try {
    const running = await runGateway({
      flags: { port: 0 },
      env: { OPENCLAW_STATE_DIR: dir, HOME: dir, OPENCLAW_GATEWAY_TOKEN: 'durability-test-token-0123456789' },
      logDestination: { write: (l) => void lines.push(l) },
    });
    try {
      const store = running.gateway.core.store as SqliteStore;
      expect(store.kind).toBe('sqlite');
      expect(store.durability()).toEqual({ journalMode: 'wal', synchronous: 'full' });
      // Its WAL is checkpointed by a worker, not inside a request's commit.
      expect(store.walCheckpoints().mode).toBe('background');
    } finally {
      await running.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
