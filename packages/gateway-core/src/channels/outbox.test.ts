import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import type { OutboxRecord, Store } from '../store/types.ts';
import type { Outbox, OutboxOptions } from './outbox.ts';
import {
  testAccount as account,
  testCaps as caps,
  settled as settledWithin,
  testOutbox,
} from './outbox-test-fixtures.ts';
import { PermanentSendError, RateLimitedError } from './sdk/errors.ts';
import type { ChannelAdapter, OutboundMessage } from './sdk/types.ts';

function adapter(
  send: (m: OutboundMessage, n: number) => Promise<{ ids: string[]; at: number }>,
): ChannelAdapter & {
  sent: OutboundMessage[];
} {
  const sent: OutboundMessage[] = [];
  return {
    sent,
    capabilities: caps,
    async start() {},
    async stop() {},
    send(m) {
      sent.push(m);
      return send(m, sent.length);
    },
  };
}

const ok = async (_m: OutboundMessage, n: number) => ({ ids: [`id${n}`], at: Date.now() });

function outbox(store: Store, extra: Partial<OutboxOptions> = {}, acct = account(), c = caps): Outbox {
  return testOutbox(store, { capabilities: () => c, account: () => acct, ...extra });
}

const settled = (store: Store, id: string): Promise<OutboxRecord> => settledWithin(store, id, 3000);

describe('outbox', () => {
  it('persists before delivery, waits for the account, and delivers chunks in order with platform ids', async () => {
    const store = createMemoryStore();
    const ob = outbox(store);
    const { record } = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c1',
      text: 'one two three four',
    });
    expect(record.chunks.length).toBeGreaterThan(1);
    expect((await store.outbox.get(record.id))?.status).toBe('queued');
    const a = adapter(ok);
    ob.setAdapter('x', 'a', a);
    const done = await settled(store, record.id);
    expect(done).toMatchObject({ status: 'delivered', partsSent: record.chunks.length, inFlight: false });
    expect(done.platformIds).toEqual(a.sent.map((_, i) => `id${i + 1}`));
    expect(a.sent.map((m) => m.text)).toEqual(record.chunks);
    expect(new Set(a.sent.map((m) => m.nonce)).size).toBe(a.sent.length);
    await ob.close();
  });

  it('keeps per-chat order under concurrency across chats', async () => {
    const store = createMemoryStore();
    const ob = outbox(store);
    const a = adapter(async (_m, n) => {
      await new Promise((r) => setTimeout(r, Math.random() * 4));
      return { ids: [`id${n}`], at: Date.now() };
    });
    ob.setAdapter('x', 'a', a);
    const ids: string[] = [];
    for (let i = 0; i < 60; i++) {
      ids.push(
        (await ob.enqueue({ channel: 'x', accountId: 'a', chatId: `c${i % 3}`, text: `m${i}` })).record.id,
      );
    }
    for (const id of ids) await settled(store, id);
    for (let c = 0; c < 3; c++) {
      const got = a.sent.filter((m) => m.to.chatId === `c${c}`).map((m) => Number(m.text!.slice(1)));
      expect(got).toEqual([...got].sort((x, y) => x - y));
      expect(got).toHaveLength(20);
    }
    await ob.close();
  });

  it('honours retry-after up to the cap, fails permanent errors at once, gives up on repeated transient ones', async () => {
    const store = createMemoryStore();
    const ob = outbox(store);
    let calls = 0;
    const a = adapter(async (m) => {
      calls++;
      if (m.text === 'limited' && calls === 1) throw new RateLimitedError(60_000, 'slow down');
      if (m.text === 'bad') throw new PermanentSendError('chat not found');
      if (m.text === 'flaky') throw new Error('ECONNRESET');
      return { ids: ['ok'], at: Date.now() };
    });
    ob.setAdapter('x', 'a', a);
    const t0 = Date.now();
    const limited = (await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c1', text: 'limited' }))
      .record;
    expect((await settled(store, limited.id)).status).toBe('delivered');
    // retry-after 60 s, capped at 30 ms by policy.
    expect(Date.now() - t0).toBeLessThan(1000);
    const bad = (await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c2', text: 'bad' })).record;
    expect(await settled(store, bad.id)).toMatchObject({
      status: 'failed',
      lastError: 'chat not found',
      attempts: 1,
    });
    const flaky = (await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c3', text: 'flaky' })).record;
    const f = await settled(store, flaky.id);
    expect(f.status).toBe('failed');
    expect(f.attempts).toBe(3);
    expect(f.lastError).toContain('ECONNRESET');
    await ob.close();
  });

  it('dedupes by key: the same idempotency key returns the first record and sends once', async () => {
    const store = createMemoryStore();
    const ob = outbox(store);
    const a = adapter(ok);
    ob.setAdapter('x', 'a', a);
    const first = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi', dedupeKey: 'k' });
    const second = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: 'hi',
      dedupeKey: 'k',
    });
    expect(second).toMatchObject({ created: false, record: { id: first.record.id } });
    await settled(store, first.record.id);
    expect(a.sent).toHaveLength(1);
    await ob.close();
  });

  it('after a crash mid-send: resends the in-doubt part (counted), or trusts the platform nonce, or skips by policy', async () => {
    for (const [policy, idem, expectSent, expectCount] of [
      ['resend', false, 2, 1],
      ['resend', true, 2, 0],
      ['skip', false, 1, 0],
    ] as const) {
      const store = createMemoryStore();
      const crashed = await outbox(store).enqueue({
        channel: 'x',
        accountId: 'a',
        chatId: 'c',
        text: 'aaaaaa bbbbbb',
      });
      // What a kill -9 during the first part's platform call leaves behind.
      await store.outbox.update(crashed.record.id, { status: 'sending', inFlight: true, attempts: 1 });
      const ob = outbox(store, { inDoubt: () => policy }, account(), { ...caps, idempotentSend: idem });
      const a = adapter(ok);
      ob.setAdapter('x', 'a', a);
      expect(await ob.start()).toBe(1);
      const r = await settled(store, crashed.record.id);
      expect(r.status).toBe('delivered');
      expect(a.sent).toHaveLength(expectSent);
      expect(r.inDoubtResends).toBe(expectCount);
      if (idem) expect(a.sent[0]!.nonce).toBe(`${crashed.record.id}:0`);
      await ob.close();
    }
  });

  it('replies: only the first part quotes; where a reply is a thread, every part goes to the thread', async () => {
    for (const thread of [false, true]) {
      const store = createMemoryStore();
      const ob = outbox(store, {}, account(), { ...caps, replyStartsThread: thread });
      const a = adapter(ok);
      ob.setAdapter('x', 'a', a);
      const { record } = await ob.enqueue({
        channel: 'x',
        accountId: 'a',
        chatId: 'c',
        text: 'aaaa bbbb cccc',
        replyToId: 'orig',
      });
      await settled(store, record.id);
      expect(a.sent.length).toBeGreaterThan(1);
      if (thread)
        expect(a.sent.map((m) => [m.to.threadId, m.replyToId])).toEqual(
          a.sent.map(() => ['orig', undefined]),
        );
      else expect(a.sent.map((m) => m.replyToId)).toEqual(['orig', ...a.sent.slice(1).map(() => undefined)]);
      await ob.close();
    }
  });

  it('refuses empty sends and media a channel cannot carry', async () => {
    const store = createMemoryStore();
    const ob = outbox(store, {}, account(), { ...caps, media: { inbound: false, outbound: false } });
    await expect(ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: '  ' })).rejects.toMatchObject(
      { code: 'SEND_EMPTY' },
    );
    await expect(
      ob.enqueue({
        channel: 'x',
        accountId: 'a',
        chatId: 'c',
        media: [{ mimeType: 'image/png', data: 'AA==' }],
      }),
    ).rejects.toMatchObject({ code: 'MEDIA_UNSUPPORTED' });
    await ob.close();
  });
});
