import { type GatewayConfig, parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { sessionAgentId } from '../agents/agent-catalog.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { COUNTED_KEYS } from '../testing/store-contract-session-counts.ts';
import { referenceStatus } from './reference-status.ts';

function sources(config: GatewayConfig, store: ReturnType<typeof createMemoryStore>) {
  return {
    config: () => config,
    agents: {
      list: () => [
        { id: 'main' },
        ...config.agents.list.filter((a) => a.id !== 'main').map((a) => ({ id: a.id })),
      ],
      agentOf: (key: string) => sessionAgentId(config, key),
      modelRef: () => 'echo/echo',
    },
    sessions: store.sessions,
  };
}

describe('status sessions per agent', () => {
  it('gives each configured agent the sessions agentOf gives it, and main those of removed agents', async () => {
    // `ops` had sessions and was removed from the config; `idle` has none.
    const config = parseConfig({ agents: { list: [{ id: 'work' }, { id: 'constructor' }, { id: 'idle' }] } });
    const store = createMemoryStore();
    const keys = [...COUNTED_KEYS.map(([k]) => k), 'agent:ops:1', 'agent:ops:2'];
    for (const key of keys) await store.sessions.ensure({ key, kind: 'webchat', createdAtMs: 1 });

    const s = (await referenceStatus(sources(config, store), [], false)).sessions!;
    // The oracle: every session read, its agent derived from its key, as status did before.
    const perAgent = (id: string) => keys.filter((k) => sessionAgentId(config, k) === id).length;
    expect(s.count).toBe(keys.length);
    expect(s.byAgent).toEqual(
      ['main', 'work', 'constructor', 'idle'].map((agentId) => ({
        agentId,
        path: '[redacted]',
        count: perAgent(agentId),
        recent: [],
      })),
    );
    expect(s.byAgent.map((a) => a.count)).toEqual([keys.length - 3, 2, 1, 0]);
    await store.close();
  });

  it('leaves the sessions section out when the store cannot count', async () => {
    const config = parseConfig({});
    const store = createMemoryStore();
    const src = {
      ...sources(config, store),
      sessions: { counts: () => Promise.reject(new Error('store down')) },
    };
    expect((await referenceStatus(src, [], false)).sessions).toBeUndefined();
    await store.close();
  });
});
