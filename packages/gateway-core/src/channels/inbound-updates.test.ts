import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentBinding } from '@openclaw/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import { updateSessionKeys } from '../agents/agent-routing.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { Store } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';
import { createInboundUpdates } from './inbound-updates.ts';

describe('edits and reactions find their message in the session of the agent that took it', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function storeWith(key: string, messageId: string): Promise<Store> {
    const dir = await mkdtemp(join(tmpdir(), 'inbound-updates-'));
    const store = createSqliteStore({ path: join(dir, 'state.sqlite') });
    cleanups.push(async () => {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    });
    await store.sessions.ensure({ key, kind: 'channel', channel: 'discord', createdAtMs: 1 });
    await store.sessions.append({
      sessionKey: key,
      id: `discord:${messageId}`,
      role: 'user',
      text: 'hello',
      ts: 1,
      senderId: 'u1',
    });
    return store;
  }

  // A message routed by the sender's roles: its edit carries no roles, so it routes to the guild's
  // agent, whose session does not have it.
  const bindings: AgentBinding[] = [
    { agentId: 'guild', match: { channel: 'discord', guildId: 'G' } },
    { agentId: 'mods', match: { channel: 'discord', guildId: 'G', roles: ['r-mod'] } },
  ];
  const edit = {
    type: 'edit' as const,
    channel: 'discord',
    accountId: 'default',
    chat: { id: 'C1' },
    space: { guildId: 'G' },
    messageId: 'm1',
    senderId: 'u1',
    at: 2,
    text: 'hello, edited',
  };

  it('an edit reaches the message in another bound agent’s session when the routed one lacks it', async () => {
    const store = await storeWith('agent:mods:discord:default:C1', 'm1');
    const updated: string[] = [];
    const apply = createInboundUpdates({
      store,
      clock: systemClock,
      log: createSilentLogger(),
      onUpdated: (m) => updated.push(`${m.sessionKey} ${m.text}`),
      chatSessionKeys: (chat) => updateSessionKeys(bindings, chat),
    });
    await apply(edit);
    expect(updated).toEqual(['agent:mods:discord:default:C1 hello, edited']);
    // With only the routed key tried (as before), the edit was lost.
    const lost: string[] = [];
    await createInboundUpdates({
      store,
      clock: systemClock,
      log: createSilentLogger(),
      onUpdated: (m) => lost.push(m.text),
      chatSessionKeys: (chat) => updateSessionKeys(bindings, chat).slice(0, 1),
    })({ ...edit, text: 'again' });
    expect(lost).toEqual([]);
  });
});
