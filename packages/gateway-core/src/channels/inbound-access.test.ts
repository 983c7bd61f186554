// The way in, end to end in the core (access control, then sender authority for directives and
// commands), against a real store: what one message costs it.
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { sessionThinkingState } from '../agent/session-thinking.ts';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { echoResponder } from '../sessions/responder.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { scriptedProvider } from '../testing/scripted-provider.ts';
import { systemClock } from '../util/clock.ts';
import { type Channels, createChannels } from './create-channels.ts';
import type { InboundEnvelope } from './sdk/types.ts';

describe('inbound access', () => {
  const open: Channels[] = [];
  afterEach(async () => {
    for (const m of open.splice(0)) await m.close();
  });

  it('a pairing-approved DM sender: the approvals are read from the store once per message, and the sender is authorised', async () => {
    const store = createMemoryStore();
    await store.channelAccess.addAllowFrom('scripted', 'default', 'u1', 0);
    const approvals = store.channelAccess.allowFrom.bind(store.channelAccess);
    let reads = 0;
    store.channelAccess.allowFrom = (channel, accountId) => {
      reads++;
      return approvals(channel, accountId);
    };
    const { provider, state } = scriptedProvider({});
    const m = createChannels({
      store,
      bus: new EventBus(),
      clock: systemClock,
      log: createSilentLogger(),
      responder: () => echoResponder,
      providers: [provider],
      config: () => ({ scripted: { dmPolicy: 'pairing' } }),
      stateDir: tmpdir(),
      gatewayId: 'gw-a',
      sessionLevels: sessionThinkingState({
        kv: store.kv,
        models: { candidates: () => ['local/qwen'], providers: () => ({}) },
        agentOf: () => ({ id: 'main' }),
        sectionDefault: () => 'off',
      }),
    });
    open.push(m);
    await m.start();
    await expect.poll(() => state.ctx).toBeDefined();
    const env: InboundEnvelope = {
      channel: 'scripted',
      accountId: 'default',
      id: 'm1',
      at: Date.now(),
      chat: { kind: 'direct', id: 'u1' },
      sender: { id: 'u1', isBot: false, isSelf: false },
      text: '/think low',
      mentions: { bot: false, userIds: [] },
      media: [],
    };
    await state.ctx!.emit(env);
    await expect.poll(() => state.sent.map((s) => s.text)).toEqual(['Thinking level set to low.']);
    expect(reads).toBe(1);
  });
});
