import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigManager } from '../src/config/config-manager.ts';
import { createGatewayCore } from '../src/gateway-core.ts';
import { createSilentLogger } from '../src/logging/logger.ts';
import type { RequestContext } from '../src/router/router.ts';
import { createSqliteStore } from '../src/store/sqlite-store.ts';

// Idempotency records and pairings are in the store, so they outlive the process.
describe('state across a restart', () => {
  it('answers a retried side-effecting request from the record after a restart, without running it again', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-restart-'));
    try {
      let runs = 0;
      const make = () =>
        createGatewayCore({
          config: ConfigManager.fromObject(join(dir, 'openclaw.json'), {}),
          store: createSqliteStore({ path: join(dir, 'gateway.db') }),
          log: createSilentLogger(),
          version: '0.0.0-test',
          secrets: () => ({ token: 'x'.repeat(20) }),
          handlers: [
            {
              send: (p) => {
                runs++;
                return {
                  messageId: `m${runs}`,
                  channel: 'test',
                  accountId: 'default',
                  to: p.to,
                  status: 'queued' as const,
                };
              },
            },
          ],
        });
      const call = async (core: Awaited<ReturnType<typeof make>>) => {
        // Drive the router the way a connection does, with a minimal fake connection.
        const frames: string[] = [];
        const conn = {
          connId: 'c1',
          peer: { remoteAddress: '127.0.0.1', isLoopback: true },
          inFlight: 0,
          // A fresh connection's write budget (full buckets) and the size of this frame.
          writeTokens: Number.POSITIVE_INFINITY,
          byteTokens: Number.POSITIVE_INFINITY,
          writeRefilledAt: 0,
          lastFrameBytes: 100,
          session: {
            role: 'operator',
            scopes: ['operator.write'],
            deviceId: 'device-1',
          } as unknown as RequestContext['session'],
          caller: {
            id: 'device-1',
            deviceId: 'device-1',
            scopes: ['operator.write'],
            remoteIp: '127.0.0.1',
            connId: 'c1',
          },
          respond: (_id: string, json: string) => frames.push(json),
          respondError: (_id: string | null, e: Error) => frames.push(`error:${e.message}`),
        };
        core.router.dispatch(conn as never, {
          type: 'req',
          id: '1',
          method: 'send',
          params: { to: 'x', message: 'hi', idempotencyKey: 'same-key' },
        });
        for (let i = 0; i < 100 && frames.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
        return frames[0];
      };
      const first = await make();
      const a = await call(first);
      await first.close();
      const second = await make();
      const b = await call(second);
      await second.close();
      expect(a).toContain('"messageId":"m1"');
      expect(b).toBe(a);
      expect(runs).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
