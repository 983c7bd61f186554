import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { systemClock } from '../util/clock.ts';
import { echoResponder, type Responder } from './responder.ts';
import { SessionRouter } from './session-router.ts';
import { TurnTyping } from './turn-typing.ts';

const target = { channel: 'telegram', accountId: 'default', chatId: '9' };
const nextPass = () => new Promise<void>((r) => setImmediate(r));

/** A chat router whose typing indicator and replies write into one ordered log. */
function chat(responder: Responder) {
  const log: string[] = [];
  const r = new SessionRouter({
    store: createMemoryStore(),
    bus: new EventBus(),
    clock: systemClock,
    log: createSilentLogger(),
    responder: () => responder,
    settings: () => ({ timeoutMs: 60_000, queueMode: 'queue', historyMessages: 10 }),
    replies: {
      enqueue: async (reply) => {
        log.push(`reply ${reply.text}`);
      },
    },
    typing: (_t, on) => log.push(`typing ${on ? 'on' : 'off'}`),
  });
  const inbound = (text: string) =>
    r.inbound({
      channel: 'telegram',
      accountId: 'default',
      id: text,
      at: Date.now(),
      chat: { kind: 'direct', id: '9' },
      sender: { id: '9', isBot: false, isSelf: false },
      text,
      mentions: { bot: false, userIds: [] },
      media: [],
    });
  const until = async (fn: () => boolean) => {
    const end = Date.now() + 3000;
    while (!fn()) {
      if (Date.now() > end) throw new Error(`timed out; log: ${log.join(', ')}`);
      await new Promise((res) => setTimeout(res, 2));
    }
  };
  return { r, log, inbound, until };
}

describe('the typing indicator of a turn', () => {
  it('goes out after the pass of the event loop in which the turn sends its model request', async () => {
    let answer!: (text: string) => void;
    const { log, inbound, until } = chat({
      name: 'model',
      respond: () => {
        // Standing in for the model request leaving: in the same pass as the turn's start.
        log.push('model request');
        return new Promise<string>((r) => {
          answer = r;
        });
      },
    });
    await inbound('hello');
    await until(() => log.includes('typing on'));
    expect(log).toEqual(['model request', 'typing on']);
    answer('hi');
    await until(() => log.includes('typing off'));
    expect(log).toEqual(['model request', 'typing on', 'reply hi', 'typing off']);
  });

  it('an instant answer still shows it before the reply, and turns it off after, once each', async () => {
    const { log, inbound, until } = chat(echoResponder);
    await inbound('ping');
    await until(() => log.includes('typing off'));
    // One more pass: the deferred call must not fire after the turn's end.
    await nextPass();
    expect(log).toEqual(['typing on', 'reply echo: ping', 'typing off']);
  });

  it('a turn that fails at once shows it and turns it off, as before', async () => {
    const { r, log, inbound, until } = chat({
      name: 'failing',
      respond: async () => {
        throw new Error('model refused');
      },
    });
    await inbound('x');
    await until(() => log.includes('typing off') && r.activeRuns === 0);
    await nextPass();
    expect(log).toEqual(['typing on', 'typing off']);
  });

  it('start() waits for the next pass; shown() is at once and only once; no target, no calls', async () => {
    const calls: string[] = [];
    const typing = (_t: unknown, on: boolean) => calls.push(on ? 'on' : 'off');
    const t = new TurnTyping(target, typing);
    t.start();
    expect(calls).toEqual([]);
    await nextPass();
    expect(calls).toEqual(['on']);
    t.end();
    expect(calls).toEqual(['on', 'off']);

    calls.length = 0;
    const early = new TurnTyping(target, typing);
    early.start();
    early.shown();
    await nextPass();
    expect(calls).toEqual(['on']);

    calls.length = 0;
    // Never started (the turn failed before it would show): only the off it always sent.
    new TurnTyping(target, typing).end();
    const none = new TurnTyping(undefined, typing);
    none.start();
    none.end();
    await nextPass();
    expect(calls).toEqual(['off']);
  });
});
