import type { ChatEvent } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { systemClock } from '../util/clock.ts';
import { echoResponder, type Responder } from './responder.ts';
import { channelSessionKey } from './session-keys.ts';
import { SessionRouter } from './session-router.ts';

function router(
  responder: Responder,
  queueMode: 'queue' | 'merge' = 'queue',
  maxQueuedRuns?: number,
  resumeInterrupted?: boolean,
) {
  const bus = new EventBus();
  const events: ChatEvent[] = [];
  bus.tap((event, payload) => {
    if (event === 'chat') events.push(payload as ChatEvent);
  });
  const store = createMemoryStore();
  const delivered: { chatId: string; text: string }[] = [];
  const r = new SessionRouter({
    store,
    bus,
    clock: systemClock,
    log: createSilentLogger(),
    responder: () => responder,
    settings: () => ({ timeoutMs: 60_000, queueMode, historyMessages: 10, maxQueuedRuns, resumeInterrupted }),
    replies: {
      enqueue: async (reply) => {
        delivered.push({ chatId: reply.chatId, text: reply.text });
      },
    },
  });
  return { r, events, store, delivered };
}

const until = async (fn: () => boolean, ms = 3000) => {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((res) => setTimeout(res, 5));
  }
};

/** Streams one word per tick until aborted or `release()` is called. */
function gated(): Responder & { release(): void } {
  let open = false;
  return {
    name: 'gated',
    release() {
      open = true;
    },
    async respond({ text, signal }, onDelta) {
      onDelta('thinking ');
      while (!open) {
        if (signal.aborted) throw new Error('aborted');
        await new Promise((r) => setTimeout(r, 2));
      }
      onDelta(text);
      return `thinking ${text}`;
    },
  };
}

describe('session router', () => {
  it('a queued run gets the answers that came before it as context, not its own prompt nor the ones queued behind it', async () => {
    const inner = gated();
    const seen: { text: string; history: string[] }[] = [];
    const responder: Responder = {
      name: 'recording',
      respond(input, onDelta) {
        seen.push({ text: input.text, history: input.history.map((h) => `${h.role}:${h.text}`) });
        return inner.respond(input, onDelta);
      },
    };
    const { r, store } = router(responder, 'queue', undefined, true);
    const a = await r.send({ sessionKey: 'web-ctx', message: 'a' });
    await r.send({ sessionKey: 'web-ctx', message: 'b' });
    const c = await r.send({ sessionKey: 'web-ctx', message: 'c' });
    inner.release();
    expect((await r.wait(c.runId, 5000))?.status).toBe('ok');
    expect((await r.wait(a.runId, 10))?.status).toBe('ok');
    // Stored in arrival order: a, b, c, then the answers.
    expect((await store.sessions.history('web-ctx', { limit: 10 })).map((m) => m.text)).toEqual([
      'a',
      'b',
      'c',
      'thinking a',
      'thinking b',
      'thinking c',
    ]);
    expect(seen).toEqual([
      { text: 'a', history: [] },
      { text: 'b', history: ['user:a', 'assistant:thinking a'] },
      { text: 'c', history: ['user:a', 'user:b', 'assistant:thinking a', 'assistant:thinking b'] },
    ]);
    await r.close();
  });

  it('a clean stop hands the active and the queued run over (left accepted, nothing ended); with resuming off the active one ends interrupted', async () => {
    for (const resume of [true, false]) {
      const responder = gated();
      const { r, store, events } = router(responder, 'queue', undefined, resume);
      const handed: string[][] = [];
      r.onHandedOver((ids) => handed.push(ids));
      const a = await r.send({ sessionKey: 'web-h', message: 'a' });
      const b = await r.send({ sessionKey: 'web-h', message: 'b' });
      await until(() => events.some((e) => e.state === 'delta'));
      await r.close();
      const [ra, rb] = [await store.runs.get(a.runId), await store.runs.get(b.runId)];
      const replies = (await store.sessions.history('web-h', { limit: 10 })).filter(
        (m) => m.role === 'assistant',
      );
      if (resume) {
        expect(handed).toEqual([[a.runId, b.runId]]);
        expect(ra).toMatchObject({ status: 'accepted', handedOverAtMs: expect.any(Number) });
        expect(rb).toMatchObject({ status: 'accepted', handedOverAtMs: expect.any(Number) });
        // Not ended: no end event, no partial answer stored.
        expect(events.filter((e) => e.state !== 'delta')).toEqual([]);
        expect(replies).toEqual([]);
      } else {
        expect(handed).toEqual([]);
        expect(ra).toMatchObject({ status: 'interrupted' });
        expect(ra?.handedOverAtMs).toBeUndefined();
        expect(events.map((e) => e.state)).toContain('aborted');
      }
    }
  });

  it('issue 15: a session with agent.maxQueuedRuns waiting refuses more with SESSION_BUSY and stores nothing for them', async () => {
    const responder = gated();
    const { r, store } = router(responder, 'queue', 2);
    expect((await r.send({ sessionKey: 'web-q', message: 'a' })).status).toBe('started');
    expect((await r.send({ sessionKey: 'web-q', message: 'b' })).status).toBe('queued');
    expect((await r.agent({ sessionKey: 'web-q', message: 'c' })).runId).toBeDefined();
    await expect(r.send({ sessionKey: 'web-q', message: 'd' })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      retryable: true,
      details: { code: 'SESSION_BUSY', limit: 'agent.maxQueuedRuns', queued: 2 },
    });
    await expect(r.agent({ sessionKey: 'web-q', message: 'e' })).rejects.toMatchObject({
      details: { code: 'SESSION_BUSY' },
    });
    expect((await store.sessions.history('web-q', { limit: 10 })).map((m) => m.text)).toEqual([
      'a',
      'b',
      'c',
    ]);
    // Channel messages into a busy session are all kept; only the runs beyond the bound are skipped.
    const env = (id: string) => ({
      channel: 'telegram',
      accountId: 'default',
      id,
      at: Date.now(),
      chat: { kind: 'direct' as const, id: '9' },
      sender: { id: '9', isBot: false, isSelf: false },
      text: `in ${id}`,
      mentions: { bot: false, userIds: [] },
      media: [],
    });
    const runs = [];
    for (const id of ['1', '2', '3', '4']) runs.push((await r.inbound(env(id))).runId);
    expect(runs.map((x) => x !== undefined)).toEqual([true, true, true, false]);
    const key = channelSessionKey('telegram', 'default', '9');
    expect((await store.sessions.history(key, { limit: 10 })).map((m) => m.text)).toEqual([
      'in 1',
      'in 2',
      'in 3',
      'in 4',
    ]);
    responder.release();
    await until(() => r.activeRuns === 0);
    expect((await r.send({ sessionKey: 'web-q', message: 'f' })).status).toBe('started');
    await until(() => r.activeRuns === 0);
  });

  it('streams a run as ordered chat events and stores both sides', async () => {
    const { r, events, store } = router(echoResponder);
    const res = await r.send({ sessionKey: 'web-1', message: 'hello world' });
    expect(res.status).toBe('started');
    await until(() => events.some((e) => e.state === 'final'));
    const mine = events.filter((e) => e.runId === res.runId);
    expect(mine.map((e) => e.seq)).toEqual(mine.map((_, i) => i));
    expect(
      mine
        .filter((e) => e.state === 'delta')
        .map((e) => (e as { deltaText: string }).deltaText)
        .join(''),
    ).toBe('echo: hello world');
    const h = await store.sessions.history('web-1', { limit: 10 });
    expect(h.map((m) => [m.role, m.text, m.status])).toEqual([
      ['user', 'hello world', undefined],
      ['assistant', 'echo: hello world', 'complete'],
    ]);
  });

  it('one run at a time per session; later messages queue; abort stops the active run and drops queued ones', async () => {
    const g = gated();
    const { r, events } = router(g);
    const a = await r.send({ sessionKey: 's', message: 'first' });
    const b = await r.send({ sessionKey: 's', message: 'second' });
    const other = await r.send({ sessionKey: 't', message: 'elsewhere' });
    expect([a.status, b.status, other.status]).toEqual(['started', 'queued', 'started']);
    await until(() => events.some((e) => e.runId === a.runId && e.state === 'delta'));
    expect(r.activeRunId('s')).toBe(a.runId);
    const aborted = r.abort('s');
    expect(aborted).toEqual([a.runId, b.runId]);
    await until(() => events.some((e) => e.runId === a.runId && e.state === 'aborted'));
    expect(events.some((e) => e.runId === b.runId && e.state === 'aborted')).toBe(true);
    g.release();
    await until(() => events.some((e) => e.runId === other.runId && e.state === 'final'));
    const page = await r.history('s', 10);
    expect(page.messages.at(-1)).toMatchObject({ role: 'assistant', status: 'aborted', text: 'thinking ' });
  });

  it('merge mode: messages arriving while a run is busy are answered by one queued run', async () => {
    const g = gated();
    const { r, events } = router(g, 'merge');
    const a = await r.send({ sessionKey: 'm', message: 'first' });
    const b = await r.send({ sessionKey: 'm', message: 'second' });
    const c = await r.send({ sessionKey: 'm', message: 'third' });
    expect(c.runId).toBe(b.runId);
    g.release();
    await until(() => events.some((e) => e.runId === b.runId && e.state === 'final'));
    const final = events.find((e) => e.runId === b.runId && e.state === 'final') as {
      message?: { text: string };
    };
    expect(final.message?.text).toBe('thinking second\n\nthird');
    expect(events.filter((e) => e.state === 'final').map((e) => e.runId)).toEqual([a.runId, b.runId]);
  });

  it('a responder error becomes an error event, not a crash', async () => {
    const { r, events } = router({
      name: 'broken',
      async respond() {
        throw new Error('backend down');
      },
    });
    const res = await r.send({ sessionKey: 'x', message: 'hi' });
    await until(() => events.some((e) => e.runId === res.runId && e.state === 'error'));
    expect(events.find((e) => e.state === 'error')).toMatchObject({ errorMessage: 'backend down' });
  });

  it('pages history with a cursor', async () => {
    const { r, events } = router(echoResponder);
    for (let i = 0; i < 3; i++) {
      await r.send({ sessionKey: 'p', message: `m${i}` });
      await until(() => events.filter((e) => e.state === 'final').length === i + 1);
    }
    const first = await r.history('p', 4);
    expect(first.messages.map((m) => m.text)).toEqual(
      ['echo: m0', 'm1', 'echo: m1', 'm2', 'echo: m2'].slice(1),
    );
    expect(first.nextCursor).toBeDefined();
    const older = await r.history('p', 4, first.nextCursor);
    expect(older.messages.map((m) => m.text)).toEqual(['m0', 'echo: m0']);
    expect(older.nextCursor).toBeUndefined();
  });
});

describe('runs a restart cut short, in a cluster (issue 19)', () => {
  it("recovers only its own runs: another gateway's running run is left to that gateway", async () => {
    const store = createMemoryStore();
    await store.sessions.ensure({ key: 's', kind: 'webchat', createdAtMs: 1 });
    const base = {
      sessionKey: 's',
      source: 'agent' as const,
      status: 'running' as const,
      message: 'hi',
      createdAtMs: 1,
    };
    await store.runs.create({ ...base, runId: 'mine', ownerId: 'gw-a' });
    await store.runs.create({ ...base, runId: 'theirs', ownerId: 'gw-b' });
    const r = new SessionRouter({
      store,
      bus: new EventBus(),
      clock: systemClock,
      log: createSilentLogger(),
      gatewayId: 'gw-a',
      responder: () => echoResponder,
      settings: () => ({
        timeoutMs: 60_000,
        queueMode: 'queue',
        historyMessages: 10,
        resumeInterrupted: true,
      }),
      replies: { enqueue: async () => {} },
    });
    expect(await r.recoverInterrupted()).toBe(1);
    // Its own run is resumed (and answered); the other gateway's is untouched.
    expect(await r.settled('mine')).toMatchObject({ status: 'ok', output: 'echo: hi' });
    expect((await store.runs.get('mine'))?.resumes).toBe(1);
    expect(await store.runs.get('theirs')).toMatchObject({ status: 'running', ownerId: 'gw-b' });
    expect((await store.runs.get('theirs'))?.resumes).toBeUndefined();
    await r.close();
  });
});
