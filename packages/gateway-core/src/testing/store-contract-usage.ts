import { beforeEach, describe, expect, it } from 'vitest';
import type { RunUsageRecord, Store } from '../store/types.ts';

const call = (model: string, input: number, output: number, cacheRead = 0, cacheWrite = 0) => ({
  provider: 'local',
  model,
  input,
  output,
  cacheRead,
  cacheWrite,
});

const run = (runId: string, over: Partial<RunUsageRecord> = {}): RunUsageRecord => ({
  runId,
  sessionKey: 'agent:main:main',
  agentId: 'main',
  ts: 1_000,
  calls: [call('small', 10, 5)],
  ...over,
});

/** The store contract for token accounting: calls summed per quarter hour and model, each session's latest run. */
export function describeUsageRepo(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });
  describe('usage', () => {
    it('sums calls per quarter hour, agent and model within the range, one agent when asked', async () => {
      const q = 15 * 60_000;
      await store.usage.record(
        run('r1', { ts: q + 1, calls: [call('small', 10, 5, 3, 1), call('big', 100, 7)] }),
      );
      await store.usage.record(run('r2', { ts: q + 2, calls: [call('small', 1, 2)] }));
      await store.usage.record(run('r3', { ts: 3 * q, agentId: 'work', sessionKey: 'agent:work:main' }));
      await store.usage.record(run('r-old', { ts: 10 }));
      const all = await store.usage.buckets({ fromMs: q, toMs: 4 * q });
      const byModel = (m: string, agent = 'main') => all.find((b) => b.model === m && b.agentId === agent);
      expect(all).toHaveLength(3);
      expect(byModel('small')).toEqual({
        startMs: q,
        agentId: 'main',
        provider: 'local',
        model: 'small',
        input: 11,
        output: 7,
        cacheRead: 3,
        cacheWrite: 1,
        calls: 2,
      });
      expect(byModel('big')).toMatchObject({ startMs: q, input: 100, output: 7, calls: 1 });
      expect(byModel('small', 'work')).toMatchObject({ startMs: 3 * q, input: 10, calls: 1 });
      // The range's ends are inclusive; the call before it is left out.
      expect(await store.usage.buckets({ fromMs: q + 2, toMs: 3 * q })).toHaveLength(2);
      expect(
        (await store.usage.buckets({ fromMs: 0, toMs: 4 * q, agentId: 'work' })).map((b) => b.agentId),
      ).toEqual(['work']);
      expect(await store.usage.buckets({ fromMs: 5 * q, toMs: 6 * q })).toEqual([]);
    });

    it("keeps each session's latest run, which forget drops while the history stays", async () => {
      await store.usage.record(run('r1', { ts: 1 }));
      await store.usage.record(run('r2', { ts: 2, calls: [call('big', 40, 2)] }));
      await store.usage.record(run('r9', { ts: 3, sessionKey: 'other' }));
      const latest = await store.usage.latest(['agent:main:main', 'other', 'none']);
      expect([...latest.keys()].sort()).toEqual(['agent:main:main', 'other']);
      expect(latest.get('agent:main:main')).toEqual(run('r2', { ts: 2, calls: [call('big', 40, 2)] }));
      await store.usage.forget('agent:main:main');
      expect((await store.usage.latest(['agent:main:main'])).size).toBe(0);
      const history = await store.usage.buckets({ fromMs: 0, toMs: 10 });
      expect(history.reduce((n, b) => n + b.calls, 0)).toBe(3);
    });

    it("gives back the runs of a range, oldest first with their calls in order, one agent's or session's", async () => {
      const r1 = run('r1', { ts: 30, calls: [call('small', 10, 5, 3, 1), call('big', 100, 7)] });
      const r2 = run('r2', { ts: 10, sessionKey: 'agent:main:other' });
      const r3 = run('r3', { ts: 20, agentId: 'work', sessionKey: 'agent:work:main' });
      const old = run('r0', { ts: 1 });
      for (const r of [r1, r2, r3, old]) await store.usage.record(r);
      expect(await store.usage.runs({ fromMs: 5, toMs: 30 })).toEqual([r2, r3, r1]);
      expect(await store.usage.runs({ fromMs: 0, toMs: 100, sessionKey: 'agent:main:main' })).toEqual([
        old,
        r1,
      ]);
      expect(await store.usage.runs({ fromMs: 0, toMs: 100, agentId: 'work' })).toEqual([r3]);
      expect(
        await store.usage.runs({ fromMs: 2, toMs: 100, agentId: 'main', sessionKey: 'agent:main:main' }),
      ).toEqual([r1]);
      expect(await store.usage.runs({ fromMs: 31, toMs: 100 })).toEqual([]);
    });

    it("a compaction's calls count in the history and the session's runs, never as its latest run", async () => {
      await store.usage.record(run('turn', { ts: 1 }));
      const compaction = run('compact-1', { ts: 2, kind: 'compaction', calls: [call('big', 900, 80)] });
      await store.usage.record(compaction);
      expect((await store.usage.latest(['agent:main:main'])).get('agent:main:main')?.runId).toBe('turn');
      expect(await store.usage.runs({ fromMs: 2, toMs: 2, sessionKey: 'agent:main:main' })).toEqual([
        compaction,
      ]);
      const buckets = await store.usage.buckets({ fromMs: 0, toMs: 10 });
      expect(buckets.find((b) => b.model === 'big')).toMatchObject({ input: 900, output: 80, calls: 1 });
    });

    it('a deferred record is read back like a durable one', async () => {
      const writer = store.deferred?.usage ?? store.usage;
      await writer.record(run('r-deferred', { ts: 5 }));
      expect((await store.usage.latest(['agent:main:main'])).get('agent:main:main')?.runId).toBe(
        'r-deferred',
      );
    });
  });
}
