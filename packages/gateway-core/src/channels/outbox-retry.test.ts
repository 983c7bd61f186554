// The outbox's retry decisions beyond one part: the failure counts start again for each part, a
// delivered record keeps no error, every state change is reported, and a store that fails in the
// middle of a delivery delays it, never drops it or reorders the chat.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import type { OutboxPatch, OutboxRecord, Store } from '../store/types.ts';
import type { Outbox, OutboxOptions } from './outbox.ts';
import { quickRetry, settled, testCaps, testOutbox } from './outbox-test-fixtures.ts';
import { RateLimitedError } from './sdk/errors.ts';
import type { ChannelAdapter, OutboundMessage } from './sdk/types.ts';

interface Sent {
  m: OutboundMessage;
  at: number;
}

function adapter(send: (m: OutboundMessage, n: number) => Promise<void> = async () => {}) {
  const sent: Sent[] = [];
  const a: ChannelAdapter = {
    capabilities: testCaps,
    async start() {},
    async stop() {},
    async send(m) {
      sent.push({ m, at: Date.now() });
      const n = sent.length;
      await send(m, n);
      return { ids: [`id${n}`], at: Date.now() };
    },
  };
  return { adapter: a, sent };
}

/** The shared test outbox, with room for two rate limits per part. */
const outbox = (store: Store, extra: Partial<OutboxOptions> = {}): Outbox =>
  testOutbox(store, { retry: { ...quickRetry, maxRateLimited: 2 }, ...extra });

/** A real store whose outbox fails the calls `fail` picks (a disk or a connection going away). */
function flakyStore(fail: { update?: (patch: OutboxPatch) => boolean; pending?: () => boolean }): Store {
  const store = createMemoryStore();
  const { update, pending } = store.outbox;
  store.outbox.update = async (id, patch) => {
    if (fail.update?.(patch)) throw new Error('disk I/O error');
    return update.call(store.outbox, id, patch);
  };
  store.outbox.pending = async () => {
    if (fail.pending?.()) throw new Error('disk I/O error');
    return pending.call(store.outbox);
  };
  return store;
}

describe('outbox retries', () => {
  it('gives each part its own transient failures: a record whose every part fails twice is still delivered', async () => {
    const store = createMemoryStore();
    // maxAttempts 3: two failures of one part are within it; six across three parts must be too.
    const tries = new Map<string, number>();
    const a = adapter(async (m) => {
      const n = (tries.get(m.text!) ?? 0) + 1;
      tries.set(m.text!, n);
      if (n <= 2) throw new Error('ECONNRESET');
    });
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: 'aaaaaaaa bbbbbbbb cccccccc',
    });
    expect(record.chunks).toEqual(['aaaaaaaa', 'bbbbbbbb', 'cccccccc']);
    const r = await settled(store, record.id);
    expect(r).toMatchObject({ status: 'delivered', partsSent: 3, attempts: 9 });
    expect(a.sent.map((s) => s.m.text)).toEqual([
      ...['aaaaaaaa', 'aaaaaaaa', 'aaaaaaaa'],
      ...['bbbbbbbb', 'bbbbbbbb', 'bbbbbbbb'],
      ...['cccccccc', 'cccccccc', 'cccccccc'],
    ]);
    await ob.close();
  });

  it('gives each part its own rate limits: two per part are within maxRateLimited 2 however many parts there are', async () => {
    const store = createMemoryStore();
    const tries = new Map<string, number>();
    const a = adapter(async (m) => {
      const n = (tries.get(m.text!) ?? 0) + 1;
      tries.set(m.text!, n);
      if (n <= 2) throw new RateLimitedError(1, 'slow down');
    });
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: 'aaaaaaaa bbbbbbbb',
    });
    expect(await settled(store, record.id)).toMatchObject({ status: 'delivered', partsSent: 2 });
    expect(a.sent).toHaveLength(6);
    await ob.close();
  });

  it('a rate limit and a transient failure are counted apart: maxAttempts - 1 failures after rate limits still deliver', async () => {
    const store = createMemoryStore();
    const a = adapter(async (_m, n) => {
      if (n <= 2) throw new RateLimitedError(1, 'slow down');
      if (n <= 4) throw new Error('ECONNRESET');
    });
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi' });
    expect(await settled(store, record.id)).toMatchObject({ status: 'delivered', attempts: 5 });
    await ob.close();
  });

  it('a record delivered after a failure keeps no error, and tells each state change as it happens', async () => {
    const store = createMemoryStore();
    const a = adapter(async (_m, n) => {
      if (n === 1) throw new Error('ECONNRESET');
    });
    const changes: Pick<OutboxRecord, 'status' | 'inFlight' | 'partsSent' | 'lastError'>[] = [];
    const ob = outbox(store, {
      onChange: (r) =>
        changes.push({
          status: r.status,
          inFlight: r.inFlight,
          partsSent: r.partsSent,
          lastError: r.lastError,
        }),
    });
    ob.setAdapter('x', 'a', a.adapter);
    const t0 = Date.now();
    const { record } = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi' });
    const r = await settled(store, record.id);
    expect(r.status).toBe('delivered');
    expect(r.lastError).toBeUndefined();
    expect(r.deliveredAtMs).toBeGreaterThanOrEqual(t0);
    expect(r.deliveredAtMs).toBeLessThanOrEqual(Date.now());
    // The store's copy moves with each change (history lookups and pruning go by it).
    expect(r.updatedAtMs).toBeGreaterThanOrEqual(a.sent[1]!.at);
    expect(changes).toEqual([
      { status: 'sending', inFlight: true, partsSent: 0, lastError: undefined },
      { status: 'sending', inFlight: false, partsSent: 0, lastError: 'ECONNRESET' },
      { status: 'sending', inFlight: true, partsSent: 0, lastError: 'ECONNRESET' },
      { status: 'delivered', inFlight: false, partsSent: 1, lastError: undefined },
    ]);
    await ob.close();
  });

  it('a store failing to mark a part in flight holds the chat a second, then sends that part once, in order', async () => {
    let failOnce = true;
    const store = flakyStore({
      update: (p) => {
        if (!p.inFlight || !failOnce) return false;
        failOnce = false;
        return true;
      },
    });
    const a = adapter();
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const t0 = Date.now();
    const first = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'first' });
    const second = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'second' });
    expect(await settled(store, first.record.id)).toMatchObject({ status: 'delivered', partsSent: 1 });
    expect(await settled(store, second.record.id)).toMatchObject({ status: 'delivered' });
    expect(a.sent.map((s) => s.m.text)).toEqual(['first', 'second']);
    // Not sooner than the second the outbox waits for the store (timers never fire early by more
    // than a millisecond of clock rounding).
    expect(a.sent[0]!.at - t0).toBeGreaterThanOrEqual(995);
    await ob.close();
  });

  it('a store failing while the account is gained loads its queued sends a second later', async () => {
    let failing = false;
    const store = flakyStore({ pending: () => failing });
    const { record } = await outbox(store).enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi' });
    const ob = outbox(store);
    const a = adapter();
    failing = true;
    ob.setAdapter('x', 'a', a.adapter);
    // The load has failed once by the time the store answers again.
    await new Promise((r) => setImmediate(r));
    failing = false;
    const t0 = Date.now();
    expect(await settled(store, record.id)).toMatchObject({ status: 'delivered' });
    expect(a.sent.map((s) => s.m.text)).toEqual(['hi']);
    expect(a.sent[0]!.at - t0).toBeGreaterThanOrEqual(900);
    await ob.close();
  });
});
