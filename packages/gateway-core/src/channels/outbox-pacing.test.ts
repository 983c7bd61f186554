// How the outbox spends an account's capacity: concurrency per account, one part at a time per
// chat, pacing per chat and per account, and waiting out backoff and retry-after before a retry.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import type { OutboxRecord, Store } from '../store/types.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { Outbox, OutboxOptions } from './outbox.ts';
import {
  testAccount as account,
  testCaps as caps,
  quickRetry,
  recordingAdapter,
  settled,
  testOutbox,
  until,
} from './outbox-test-fixtures.ts';
import { RateLimitedError } from './sdk/errors.ts';
import type { ChannelCapabilities, OutboundMessage } from './sdk/types.ts';

interface Sent {
  m: OutboundMessage;
  at: number;
}

/** An adapter that records each send (with when it started) and runs `send` for its outcome. */
function adapter(send: (m: OutboundMessage, n: number) => Promise<void> = async () => {}) {
  const sent: Sent[] = [];
  const { adapter: a } = recordingAdapter('id', (m, n) => {
    sent.push({ m, at: Date.now() });
    return send(m, n);
  });
  return { adapter: a, sent };
}

// A retry-after as long as the platform asks, up to 30 s: these tests wait it out.
const outbox = (
  store: Store,
  acct: CoreAccountConfig | undefined,
  extra: Partial<OutboxOptions> = {},
  c: ChannelCapabilities = caps,
): Outbox =>
  testOutbox(store, {
    capabilities: () => c,
    account: () => acct,
    retry: { ...quickRetry, rateLimitCapMs: 30_000 },
    ...extra,
  });

// Lower bounds a little under the configured waits: Date.now() and the timer clock can differ by a
// millisecond or so; code that does not wait at all shows gaps near zero.
const gaps = (sent: Sent[]) => sent.slice(1).map((s, i) => s.at - sent[i]!.at);

describe('outbox pacing and concurrency', () => {
  it('sends at most sendConcurrency parts of an account at once, and a failed send frees exactly one slot', async () => {
    const store = createMemoryStore();
    let active = 0;
    let max = 0;
    let failedOnce = false;
    const a = adapter(async (m) => {
      active++;
      max = Math.max(max, active);
      await new Promise((r) => setTimeout(r, 5));
      active--;
      if (m.to.chatId === 'c0' && !failedOnce) {
        failedOnce = true;
        throw new Error('ECONNRESET');
      }
    });
    const ob = outbox(store, account({ sendConcurrency: 2 }));
    ob.setAdapter('x', 'a', a.adapter);
    const ids: string[] = [];
    for (let round = 0; round < 3; round++)
      for (let c = 0; c < 6; c++)
        ids.push(
          (await ob.enqueue({ channel: 'x', accountId: 'a', chatId: `c${c}`, text: `m${round}` })).record.id,
        );
    for (const id of ids) expect((await settled(store, id)).status).toBe('delivered');
    expect(failedOnce).toBe(true);
    expect(max).toBe(2);
    await ob.close();
  });

  it('without an account setting, runs up to 8 sends of an account at once', async () => {
    const store = createMemoryStore();
    let active = 0;
    let max = 0;
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const a = adapter(async () => {
      active++;
      max = Math.max(max, active);
      if (active === 8) open();
      await gate;
      active--;
    });
    const ob = outbox(store, undefined);
    ob.setAdapter('x', 'a', a.adapter);
    const ids: string[] = [];
    for (let c = 0; c < 10; c++)
      ids.push((await ob.enqueue({ channel: 'x', accountId: 'a', chatId: `c${c}`, text: 'hi' })).record.id);
    for (const id of ids) await settled(store, id);
    expect(max).toBe(8);
    await ob.close();
  });

  it('sends one part of a chat at a time, in order, while other chats go ahead', async () => {
    const store = createMemoryStore();
    let open!: () => void;
    const gate = new Promise<void>((r) => {
      open = r;
    });
    const a = adapter(async (m) => {
      if (m.text === 'first') await gate;
    });
    const ob = outbox(store, account());
    ob.setAdapter('x', 'a', a.adapter);
    const first = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c1', text: 'first' });
    const second = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c1', text: 'second' });
    const other = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c2', text: 'other' });
    await settled(store, other.record.id);
    // c2 went out while c1's first part is still on the wire; c1's second waits behind it.
    expect(a.sent.map((s) => s.m.text)).toEqual(['first', 'other']);
    open();
    await settled(store, second.record.id);
    expect((await store.outbox.get(first.record.id))?.status).toBe('delivered');
    expect(a.sent.map((s) => s.m.text)).toEqual(['first', 'other', 'second']);
    // The chat's queue is done with: a later send to it goes out too.
    const later = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c1', text: 'later' });
    expect((await settled(store, later.record.id)).status).toBe('delivered');
    await ob.close();
  });

  it("spaces the parts of one chat by the account's perChatMs", async () => {
    const store = createMemoryStore();
    const a = adapter();
    const ob = outbox(store, account({ pacing: { perChatMs: 60, perAccountMs: 0 } }));
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: 'aaaaaaa bbbbbbb ccccccc',
    });
    await settled(store, record.id);
    expect(a.sent).toHaveLength(3);
    for (const g of gaps(a.sent)) expect(g).toBeGreaterThanOrEqual(50);
    await ob.close();
  });

  it('spaces the sends of one account across chats by its perAccountMs', async () => {
    const store = createMemoryStore();
    const a = adapter();
    const ob = outbox(store, account({ pacing: { perChatMs: 0, perAccountMs: 60 } }));
    ob.setAdapter('x', 'a', a.adapter);
    const ids: string[] = [];
    for (const c of ['c1', 'c2', 'c3'])
      ids.push((await ob.enqueue({ channel: 'x', accountId: 'a', chatId: c, text: 'hi' })).record.id);
    for (const id of ids) await settled(store, id);
    for (const g of gaps(a.sent)) expect(g).toBeGreaterThanOrEqual(50);
    await ob.close();
  });

  it("falls back to the platform's pacing when the account sets none", async () => {
    const store = createMemoryStore();
    const a = adapter();
    const ob = outbox(store, undefined, {}, { ...caps, pacing: { perChatMs: 60, perAccountMs: 0 } });
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: 'aaaaaaa bbbbbbb',
    });
    await settled(store, record.id);
    expect(a.sent).toHaveLength(2);
    for (const g of gaps(a.sent)) expect(g).toBeGreaterThanOrEqual(50);
    await ob.close();
  });

  it("lets the account's pacing win over the platform's", async () => {
    const store = createMemoryStore();
    const a = adapter();
    const ob = outbox(
      store,
      account({ pacing: { perChatMs: 0, perAccountMs: 0 } }),
      {},
      { ...caps, pacing: { perChatMs: 60_000, perAccountMs: 60_000 } },
    );
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'aaaa bbbb' });
    // Under the platform's pacing this would take a minute.
    expect((await settled(store, record.id, 10_000)).status).toBe('delivered');
    await ob.close();
  });

  it('retries a transient failure no sooner than its backoff, and a rate limit no sooner than its retry-after', async () => {
    const store = createMemoryStore();
    const a = adapter(async (m, n) => {
      if (m.text === 'flaky' && n === 1) throw new Error('ECONNRESET');
      if (m.text === 'limited' && n === 3) throw new RateLimitedError(120, 'slow down');
    });
    const ob = outbox(store, account(), {
      retry: { baseMs: 100, maxMs: 100, maxAttempts: 3, rateLimitCapMs: 30_000 },
    });
    ob.setAdapter('x', 'a', a.adapter);
    const flaky = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'flaky' });
    await settled(store, flaky.record.id);
    const limited = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'limited' });
    await settled(store, limited.record.id);
    expect(a.sent.map((s) => s.m.text)).toEqual(['flaky', 'flaky', 'limited', 'limited']);
    // Backoff 100 ms with ±25 % jitter (so at least 75); retry-after 120 ms.
    expect(a.sent[1]!.at - a.sent[0]!.at).toBeGreaterThanOrEqual(65);
    expect(a.sent[3]!.at - a.sent[2]!.at).toBeGreaterThanOrEqual(110);
    await ob.close();
  });

  it('shows a send waiting for its retry-after as not in flight, with the error and the time of the next try', async () => {
    const store = createMemoryStore();
    const a = adapter(async () => {
      throw new RateLimitedError(10_000, 'slow down');
    });
    const ob = outbox(store, account());
    ob.setAdapter('x', 'a', a.adapter);
    const t0 = Date.now();
    const { record } = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi' });
    await until(() => a.sent.length === 1);
    let r: OutboxRecord | undefined;
    const end = Date.now() + 5000;
    for (;;) {
      r = await store.outbox.get(record.id);
      if (r?.lastError || Date.now() > end) break;
      await new Promise((res) => setTimeout(res, 5));
    }
    expect(r).toMatchObject({ status: 'sending', inFlight: false, lastError: 'slow down', attempts: 1 });
    expect(r!.nextAttemptAtMs).toBeGreaterThanOrEqual(t0 + 10_000);
    await ob.close();
    expect(a.sent).toHaveLength(1);
  });

  it('fails a record the platform keeps rate-limiting past maxRateLimited', async () => {
    const store = createMemoryStore();
    const a = adapter(async () => {
      throw new RateLimitedError(1, 'slow down');
    });
    const ob = outbox(store, account(), {
      retry: { baseMs: 5, maxMs: 20, maxAttempts: 3, rateLimitCapMs: 30, maxRateLimited: 2 },
    });
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi' });
    const r = await settled(store, record.id);
    expect(r).toMatchObject({ status: 'failed', inFlight: false });
    expect(r.lastError).toContain('rate limited 3 times');
    expect(a.sent).toHaveLength(3);
    await ob.close();
  });

  it("keeps the account's platform calls apart even when the store answers one chat slower than another", async () => {
    // The slow chat's work between its pacing slot and its call takes longer than the gap, which
    // would bring the fast chat's call (its slot one gap later) close behind it.
    const store = createMemoryStore();
    const get = store.outbox.get.bind(store.outbox);
    store.outbox.get = async (id) => {
      const r = await get(id);
      if (r?.chatId === 'slow') await new Promise((res) => setTimeout(res, 120));
      return r;
    };
    const a = adapter();
    const ob = outbox(store, account({ pacing: { perChatMs: 0, perAccountMs: 150 } }));
    ob.setAdapter('x', 'a', a.adapter);
    const slow = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'slow', text: 'slow' });
    const fast = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'fast', text: 'fast' });
    await settled(store, slow.record.id);
    await settled(store, fast.record.id);
    const at = a.sent.map((s) => s.at).sort((x, y) => x - y);
    expect(at).toHaveLength(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(148);
    await ob.close();
  });
});
