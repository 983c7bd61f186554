// A turn stuck in a call, on a gateway that keeps being stopped cleanly (a supervisor restarting it
// every few seconds), is handed over `agent.maxHandovers` times; the next stop ends it interrupted
// with a reason, and the run queued behind it still runs on the next start.
import type { ChatEvent } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/types.ts';
import { systemClock } from '../util/clock.ts';
import type { Responder } from './responder.ts';
import { SessionRouter } from './session-router.ts';

/** Says it is thinking, then answers only `done …` messages; anything else waits until aborted. */
const stuckOnAll: Responder = {
  name: 'stuck',
  async respond({ text, signal }, onDelta) {
    onDelta('thinking ');
    if (text.startsWith('done')) return `answer to ${text}`;
    await new Promise((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    return '';
  },
};

/** One start of a gateway on `store`: its router, and the chat events it published. */
function start(store: Store, settings: { maxHandovers?: number; resumeInterrupted?: boolean }) {
  const bus = new EventBus();
  const events: ChatEvent[] = [];
  bus.tap((event, payload) => {
    if (event === 'chat') events.push(payload as ChatEvent);
  });
  const r = new SessionRouter({
    store,
    bus,
    clock: systemClock,
    log: createSilentLogger(),
    responder: () => stuckOnAll,
    settings: () => ({ timeoutMs: 60_000, queueMode: 'queue', historyMessages: 10, ...settings }),
    replies: { enqueue: async () => {} },
  });
  return { r, events };
}

const until = async (fn: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 5));
  }
};

describe('handovers of one run are capped (agent.maxHandovers)', () => {
  it('a turn handed over maxHandovers times ends interrupted at the next stop, and the queued run goes on', async () => {
    const store = createMemoryStore();
    const settings = { resumeInterrupted: true, maxHandovers: 2 };
    let gw = start(store, settings);
    const stuck = await gw.r.send({ sessionKey: 'web-cap', message: 'stuck' });
    const queued = await gw.r.send({ sessionKey: 'web-cap', message: 'done queued' });
    // Two stops hand the stuck turn over, counted; the queued run stays waiting behind it.
    for (const n of [1, 2]) {
      await until(() => gw.events.some((e) => e.runId === stuck.runId && e.state === 'delta'));
      await gw.r.close();
      expect(await store.runs.get(stuck.runId)).toMatchObject({
        status: 'accepted',
        handedOverAtMs: expect.any(Number),
        handovers: n,
      });
      expect(await store.runs.get(queued.runId)).toMatchObject({ status: 'accepted' });
      expect((await store.runs.get(queued.runId))?.handovers).toBeUndefined();
      expect(gw.events.filter((e) => e.state !== 'delta')).toEqual([]);
      gw = start(store, settings);
      expect(await gw.r.recoverInterrupted()).toBe(2);
    }
    // The third stop finds it handed over twice already: it ends, with the reason, not handed over.
    await until(() => gw.events.some((e) => e.runId === stuck.runId && e.state === 'delta'));
    await gw.r.close();
    const ended = await store.runs.get(stuck.runId);
    expect(ended).toMatchObject({ status: 'interrupted', handovers: 2 });
    expect(ended?.error).toBe(
      'the gateway stopped during this run after it had been handed over 2 times (agent.maxHandovers: 2); it is not handed over again',
    );
    expect(gw.events.filter((e) => e.state !== 'delta')).toMatchObject([
      { runId: stuck.runId, state: 'aborted', stopReason: 'interrupted', errorMessage: ended?.error },
    ]);
    expect(await store.runs.get(queued.runId)).toMatchObject({ status: 'accepted' });

    // The next start runs the queued one (and only it: the interrupted turn stays ended).
    gw = start(store, settings);
    expect(await gw.r.recoverInterrupted()).toBe(1);
    expect(await gw.r.settled(queued.runId)).toMatchObject({ status: 'ok', output: 'answer to done queued' });
    expect((await store.runs.get(stuck.runId))?.status).toBe('interrupted');
    const history = await store.sessions.history('web-cap', { limit: 10 });
    expect(history.filter((m) => m.role === 'assistant').map((m) => [m.runId, m.status])).toEqual([
      [stuck.runId, 'error'],
      [queued.runId, 'complete'],
    ]);
    await gw.r.close();
  });

  it('maxHandovers 0: a clean stop never hands a running turn over, but still hands over the queued run', async () => {
    const store = createMemoryStore();
    const gw = start(store, { resumeInterrupted: true, maxHandovers: 0 });
    const stuck = await gw.r.send({ sessionKey: 'web-cap0', message: 'stuck' });
    const queued = await gw.r.send({ sessionKey: 'web-cap0', message: 'done queued' });
    await until(() => gw.events.some((e) => e.state === 'delta'));
    await gw.r.close();
    expect(await store.runs.get(stuck.runId)).toMatchObject({ status: 'interrupted' });
    expect(await store.runs.get(queued.runId)).toMatchObject({
      status: 'accepted',
      handedOverAtMs: expect.any(Number),
    });
  });
});
