import { parseConfig } from '@openclaw/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger } from '../logging/logger.ts';
import type { KvRepo } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';
import { AgentHeartbeats, isolatedSessionOf } from './agent-heartbeats.ts';

/** Just the kv the records need: a map. */
function mapKv(): KvRepo {
  const m = new Map<string, unknown>();
  return {
    get: async <T>(k: string) => m.get(k) as T | undefined,
    set: async (k, v) => void m.set(k, v),
    delete: async (k) => m.delete(k),
    entries: async <T>(p: string) => [...m].filter(([k]) => k.startsWith(p)) as [name: string, value: T][],
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('AgentHeartbeats timers', () => {
  it("one agent's turn that never ends does not hold back another agent's ticks", async () => {
    vi.useFakeTimers();
    const config = parseConfig({
      agents: {
        list: [
          { id: 'slow', heartbeat: { every: '1m', target: 'none' } },
          { id: 'fast', heartbeat: { every: '1m', target: 'none' } },
        ],
      },
    });
    const turns: string[] = [];
    const hb = new AgentHeartbeats({
      clock: systemClock,
      log: createLogger({ destination: { write: () => {} } }),
      store: { kv: mapKv(), sessions: { list: async () => ({ sessions: [], total: 0 }) } } as never,
      config: () => config,
      agents: { list: () => [{ id: 'slow' }, { id: 'fast' }], agentOf: (k) => k.split(':')[1] ?? 'main' },
      sessions: {
        agent: async (p: { sessionKey: string }) => {
          turns.push(p.sessionKey);
          return { runId: `run-${turns.length}`, sessionKey: p.sessionKey };
        },
        // The slow agent's turn never settles; the fast one's answers at once.
        wait: (runId: string) =>
          turns[Number(runId.slice(4)) - 1]?.includes(':slow:')
            ? new Promise(() => {})
            : Promise.resolve({ status: 'ok', output: 'NO_REPLY' }),
        settled: async () => {},
        activeRunId: () => undefined,
        systemEvent: async () => ({ seq: 1 }),
      } as never,
      channels: { send: async () => ({}) },
    });
    hb.start();
    await vi.advanceTimersByTimeAsync(60_000 * 3 + 100);
    hb.stop();
    expect(turns.filter((k) => k.includes(':fast:'))).toHaveLength(3);
    // The stuck one is not started again on top of itself.
    expect(turns.filter((k) => k.includes(':slow:'))).toHaveLength(1);
    expect((await hb.records.get('slow'))?.reason).toBe('requests-in-flight');
    expect((await hb.records.get('fast'))?.status).toBe('ok-token');
  });
});

describe('isolatedSessionOf', () => {
  it("is the base session's key with :heartbeat, once", () => {
    expect(isolatedSessionOf('agent:ops:main')).toBe('agent:ops:main:heartbeat');
    expect(isolatedSessionOf('agent:ops:main:heartbeat')).toBe('agent:ops:main:heartbeat');
  });
});
