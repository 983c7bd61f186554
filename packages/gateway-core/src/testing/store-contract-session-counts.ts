import { beforeEach, describe, expect, it } from 'vitest';
import { keyAgentBucket } from '../store/session-key-agent.ts';
import type { SessionCounts, Store } from '../store/types.ts';

/** Keys on both sides of the key grammar's edges (see agentIdInKey), with the bucket each counts in. */
export const COUNTED_KEYS: readonly [key: string, bucket: string][] = [
  ['agent:work:notes', 'work'],
  ['agent:work:telegram:default:7', 'work'],
  ['agent:main:main', 'main'],
  ['telegram:default:42', ''],
  ['webchat:abc', ''],
  // An `agent` call's own session: `agent:<random>` names no agent.
  ['agent:s_123', ''],
  ['agent:Work:notes', ''],
  ['agent:_x:notes', ''],
  ['agent:ops:', ''],
  ['agent:ops:line\nbreak', ''],
  ['agent:ops:para\u2029graph', ''],
  [`agent:${'a'.repeat(64)}:x`, 'a'.repeat(64)],
  [`agent:${'a'.repeat(65)}:x`, ''],
  // An id that is also a property of every JavaScript object.
  ['agent:constructor:x', 'constructor'],
  ['agent:a-b_9:x:y', 'a-b_9'],
];

/** The counts a store must report for `keys`, computed from the key grammar itself. */
export function expectedCounts(keys: readonly string[]): SessionCounts {
  const byKeyAgent = new Map<string, number>();
  for (const k of keys) byKeyAgent.set(keyAgentBucket(k), (byKeyAgent.get(keyAgentBucket(k)) ?? 0) + 1);
  return { total: keys.length, byKeyAgent };
}

/** Counts as a plain object, so a failing comparison shows them. */
export const plainCounts = (c: SessionCounts) => ({
  total: c.total,
  byKeyAgent: Object.fromEntries([...c.byKeyAgent].sort(([a], [b]) => a.localeCompare(b))),
});

/** The store contract for session counts per key agent (what `status` reads instead of every session). */
export function describeSessionCounts(current: () => Store): void {
  let store: Store;
  beforeEach(() => {
    store = current();
  });
  const counts = async () => plainCounts(await store.sessions.counts());
  const ensure = (key: string, createdAtMs = 1) =>
    store.sessions.ensure({ key, kind: 'webchat', createdAtMs });

  describe('session counts', () => {
    it('counts nothing in an empty store', async () => {
      expect(await counts()).toEqual({ total: 0, byKeyAgent: {} });
    });

    it('counts each session once, in the bucket its key names, by the same grammar as agentIdInKey', async () => {
      for (const [key, bucket] of COUNTED_KEYS) {
        expect(keyAgentBucket(key)).toBe(bucket);
        await ensure(key);
      }
      // Ensuring an existing session again does not count it twice.
      await ensure('agent:work:notes', 99);
      await ensure('telegram:default:42', 99);
      const want = plainCounts(expectedCounts(COUNTED_KEYS.map(([k]) => k)));
      expect(want.byKeyAgent).toMatchObject({ work: 2, main: 1, '': 9, constructor: 1 });
      expect(await counts()).toEqual(want);
      expect((await store.sessions.list({ limit: 0, offset: 0 })).total).toBe(want.total);
    });

    it('follows removals: an emptied bucket is gone, a missing session changes nothing, a key made again counts again', async () => {
      await ensure('agent:work:a');
      await ensure('agent:work:b');
      await ensure('agent:ops:a');
      await ensure('telegram:default:1');
      expect(await store.sessions.remove('agent:work:a')).toBe(true);
      expect(await counts()).toEqual({ total: 3, byKeyAgent: { '': 1, ops: 1, work: 1 } });
      // Removing it again, or a key never stored, changes nothing.
      expect(await store.sessions.remove('agent:work:a')).toBe(false);
      expect(await store.sessions.remove('agent:ghost:x')).toBe(false);
      expect(await counts()).toEqual({ total: 3, byKeyAgent: { '': 1, ops: 1, work: 1 } });
      // All of an agent's sessions removed (the agent deleted with them): its bucket goes.
      expect(await store.sessions.remove('agent:ops:a')).toBe(true);
      expect(await counts()).toEqual({ total: 2, byKeyAgent: { '': 1, work: 1 } });
      // A session moved to another agent's key (removed, made under the new key).
      expect(await store.sessions.remove('agent:work:b')).toBe(true);
      await ensure('agent:ops:b');
      await ensure('agent:work:a');
      expect(await counts()).toEqual({ total: 3, byKeyAgent: { '': 1, ops: 1, work: 1 } });
      expect(await store.sessions.remove('telegram:default:1')).toBe(true);
      expect(await store.sessions.remove('agent:ops:b')).toBe(true);
      expect(await store.sessions.remove('agent:work:a')).toBe(true);
      expect(await counts()).toEqual({ total: 0, byKeyAgent: {} });
    });

    it('is not changed by messages, titles, trims or retention', async () => {
      await ensure('agent:work:a');
      await ensure('web:1');
      for (let i = 1; i <= 4; i++)
        await store.sessions.append({
          sessionKey: 'agent:work:a',
          id: `m${i}`,
          role: 'user',
          text: 't',
          ts: i,
        });
      await store.sessions.setTitle('web:1', 'hello');
      await store.sessions.trim('agent:work:a', 1);
      await store.sessions.prune(1_000, 0);
      expect(await counts()).toEqual({ total: 2, byKeyAgent: { '': 1, work: 1 } });
    });

    it('a session made again after removal starts with no stored bytes of its old messages', async () => {
      await ensure('agent:work:a');
      const text = 'x'.repeat(1000);
      for (let i = 1; i <= 3; i++)
        await store.sessions.append({ sessionKey: 'agent:work:a', id: `old${i}`, role: 'user', text, ts: i });
      await store.sessions.remove('agent:work:a');
      await ensure('agent:work:a');
      // About 1 KB each, 2.5 KB allowed: both fit only if the removed messages' bytes were forgotten.
      const bounds = { maxMessages: 100, maxBytes: 2500 };
      await store.sessions.append(
        { sessionKey: 'agent:work:a', id: 'n1', role: 'user', text, ts: 10 },
        bounds,
      );
      await store.sessions.append(
        { sessionKey: 'agent:work:a', id: 'n2', role: 'user', text, ts: 11 },
        bounds,
      );
      expect((await store.sessions.history('agent:work:a', { limit: 10 })).map((m) => m.id)).toEqual([
        'n1',
        'n2',
      ]);
    });
  });
}
