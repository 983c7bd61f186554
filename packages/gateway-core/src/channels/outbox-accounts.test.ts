// Where the outbox's sends go and when they stop: only through the adapter now serving the
// account, records another gateway queued or touched (the store is the truth), restarts, close,
// and what enqueue accepts (text, media, chunk limits).
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/types.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { Outbox, OutboxOptions } from './outbox.ts';
import {
  testAccount as account,
  recordingAdapter as adapter,
  testCaps as caps,
  settled,
  testOutbox,
  until,
} from './outbox-test-fixtures.ts';
import { PermanentSendError, RateLimitedError } from './sdk/errors.ts';
import type { ChannelCapabilities } from './sdk/types.ts';

/** An outbox serving channels x and y. */
const outbox = (
  store: Store,
  extra: Partial<OutboxOptions> = {},
  acct: CoreAccountConfig | undefined = account(),
  c: ChannelCapabilities = caps,
): Outbox =>
  testOutbox(store, {
    capabilities: (ch) => (ch === 'x' || ch === 'y' ? c : undefined),
    account: () => acct,
    ...extra,
  });

function gate() {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

const enq = (ob: Outbox, chatId: string, text: string, accountId = 'a') =>
  ob.enqueue({ channel: 'x', accountId, chatId, text });

describe('outbox and the accounts it serves', () => {
  it('holds sends while the account has no adapter and sends the rest through the adapter it gets next', async () => {
    const store = createMemoryStore();
    const g = gate();
    const reports: unknown[] = [];
    const a = adapter('a', async (_m, n) => {
      if (n === 1) await g.opened;
    });
    const b = adapter('b');
    const ob = outbox(store, { onSendResult: (_c, _a, e) => void reports.push(e) });
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await enq(ob, 'c', 'aaaaaaa bbbbbbb ccccccc');
    await until(() => a.sent.length === 1);
    // Durable before the platform call: a crash now leaves this part marked in doubt.
    expect(await store.outbox.get(record.id)).toMatchObject({
      status: 'sending',
      inFlight: true,
      attempts: 1,
    });
    ob.setAdapter('x', 'a', undefined);
    g.open();
    await until(async () => (await store.outbox.get(record.id))?.partsSent === 1);
    expect((await store.outbox.get(record.id))?.status).toBe('sending');
    // Taking away an adapter that is already gone wakes nobody.
    ob.setAdapter('x', 'a', undefined);
    ob.setAdapter('x', 'a', b.adapter);
    const r = await settled(store, record.id);
    expect(a.sent.map((m) => m.text)).toEqual(['aaaaaaa']);
    expect(b.sent.map((m) => m.text)).toEqual(['bbbbbbb', 'ccccccc']);
    expect(r.platformIds).toEqual(['a1', 'b1', 'b2']);
    // The first part's result came from an adapter no longer serving the account: it does not report.
    expect(reports).toEqual([undefined, undefined]);
    await ob.close();
  });

  it("reports only the serving adapter's failures, and a rate limit or a rejection as the platform answering", async () => {
    const store = createMemoryStore();
    const reports: unknown[] = [];
    const a = adapter('a', async (m) => {
      if (m.text === 'limited') throw new RateLimitedError(1, 'slow down');
      if (m.text === 'rejected') throw new PermanentSendError('chat not found');
      if (m.text === 'down') throw new Error('ECONNREFUSED');
    });
    const ob = outbox(store, { onSendResult: (_c, _a, e) => void reports.push(e && (e as Error).message) });
    ob.setAdapter('x', 'a', a.adapter);
    await settled(store, (await enq(ob, 'c1', 'limited')).record.id).catch(() => undefined);
    await settled(store, (await enq(ob, 'c2', 'rejected')).record.id);
    await settled(store, (await enq(ob, 'c3', 'down')).record.id);
    expect(reports.filter((r) => r !== undefined)).toEqual(['ECONNREFUSED', 'ECONNREFUSED', 'ECONNREFUSED']);
    await ob.close();
  });

  it('keeps nothing in memory for an account it does not serve; gaining one loads only its own sends', async () => {
    const store = createMemoryStore();
    const ob = outbox(store);
    const mine = await enq(ob, 'c', 'for a', 'a');
    const theirs = await enq(ob, 'c', 'for b', 'b');
    await ob.enqueue({ channel: 'y', accountId: 'a', chatId: 'c', text: 'other channel' });
    expect(ob.queued('x', 'a')).toBe(0);
    expect(ob.queued('x', 'b')).toBe(0);
    const a = adapter('a');
    ob.setAdapter('x', 'a', a.adapter);
    await settled(store, mine.record.id);
    expect(a.sent.map((m) => m.text)).toEqual(['for a']);
    expect(ob.queued('x', 'b')).toBe(0);
    expect(ob.queued('y', 'a')).toBe(0);
    expect((await store.outbox.get(theirs.record.id))?.status).toBe('queued');
    const b = adapter('b');
    ob.setAdapter('x', 'b', b.adapter);
    await settled(store, theirs.record.id);
    expect(b.sent.map((m) => m.text)).toEqual(['for b']);
    await ob.close();
  });

  it('losing the adapter loads nothing into memory: sends queued meanwhile wait in the store for the next owner', async () => {
    const store = createMemoryStore();
    const ob = outbox(store);
    const a = adapter('a');
    ob.setAdapter('x', 'a', a.adapter);
    const first = await enq(ob, 'c', 'first');
    await settled(store, first.record.id);
    // Another gateway queues a send for the account; this one then loses it.
    const other = outbox(store);
    const queued = await enq(other, 'c', 'queued');
    await other.close();
    ob.setAdapter('x', 'a', undefined);
    // Told again (a stop after the lease was already lost): still nothing to load.
    ob.setAdapter('x', 'a', undefined);
    // Marker: a send queued here after the loss is held in the store too.
    const after = await enq(ob, 'c2', 'after');
    expect(ob.queued('x', 'a')).toBe(0);
    expect((await store.outbox.get(queued.record.id))?.status).toBe('queued');
    expect((await store.outbox.get(after.record.id))?.status).toBe('queued');
    // Regained, it sends both.
    ob.setAdapter('x', 'a', a.adapter);
    await settled(store, queued.record.id);
    await settled(store, after.record.id);
    expect(a.sent.map((m) => m.text).sort()).toEqual(['after', 'first', 'queued']);
    await ob.close();
  });

  it('counts what waits in memory for an account', async () => {
    const store = createMemoryStore();
    const g = gate();
    const a = adapter('a', async () => g.opened);
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const ids = [];
    for (const [chat, text] of [
      ['c1', 'one'],
      ['c1', 'two'],
      ['c2', 'three'],
    ] as const)
      ids.push((await enq(ob, chat, text)).record.id);
    expect(ob.queued('x', 'a')).toBe(3);
    g.open();
    for (const id of ids) await settled(store, id);
    expect(ob.queued('x', 'a')).toBe(0);
    await ob.close();
  });

  it('adopts a record another gateway queued, once, and only where it serves the account', async () => {
    const store = createMemoryStore();
    const other = outbox(store);
    const { record } = await enq(other, 'c', 'from b');
    const idle = outbox(store);
    await idle.adopt(record.id);
    expect(idle.queued('x', 'a')).toBe(0);
    const g = gate();
    const a = adapter('a', async () => g.opened);
    const ob = outbox(store);
    // Serving the account loads what the store holds; adopting it on top must not send it twice.
    ob.setAdapter('x', 'a', a.adapter);
    await until(() => a.sent.length === 1);
    await ob.adopt(record.id);
    await ob.adopt(record.id);
    g.open();
    expect((await settled(store, record.id)).status).toBe('delivered');
    await ob.adopt(record.id);
    await ob.adopt('out_missing');
    const marker = await enq(ob, 'c', 'marker');
    await settled(store, marker.record.id);
    expect(a.sent.map((m) => m.text)).toEqual(['from b', 'marker']);
    for (const o of [other, idle, ob]) await o.close();
  });

  it('adopts a record queued while it already served the account', async () => {
    const store = createMemoryStore();
    const a = adapter('a');
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const other = outbox(store);
    const { record } = await enq(other, 'c', 'from b');
    await ob.adopt(record.id);
    expect((await settled(store, record.id)).status).toBe('delivered');
    expect(a.sent.map((m) => m.text)).toEqual(['from b']);
    for (const o of [other, ob]) await o.close();
  });

  it('tells the cluster about a new record once, not about a duplicate', async () => {
    const store = createMemoryStore();
    const told: string[] = [];
    const ob = outbox(store, { onEnqueue: (r) => void told.push(r.id) });
    const first = await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi', dedupeKey: 'k' });
    await ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c', text: 'hi', dedupeKey: 'k' });
    expect(told).toEqual([first.record.id]);
    await ob.close();
  });

  it('after a restart, sends a record that was only queued once, without calling it in doubt', async () => {
    const store = createMemoryStore();
    const before = outbox(store);
    const { record } = await enq(before, 'c', 'queued');
    await before.close();
    const after = outbox(store);
    // Nothing is held in memory for an account this gateway does not serve yet.
    expect(await after.start()).toBe(1);
    expect(after.queued('x', 'a')).toBe(0);
    const a = adapter('a');
    after.setAdapter('x', 'a', a.adapter);
    const r = await settled(store, record.id);
    expect(r).toMatchObject({ status: 'delivered', inDoubtResends: 0, platformIds: ['a1'] });
    expect(a.sent).toHaveLength(1);
    await after.close();
  });

  it('skip policy: a part in doubt counts as sent, unconfirmed; a last part in doubt delivers the record', async () => {
    const store = createMemoryStore();
    const before = outbox(store);
    const one = await enq(before, 'c1', 'single');
    const two = await enq(before, 'c2', 'aaaaaaa bbbbbbb');
    const withMedia = await before.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c3',
      text: 'caption',
      media: [{ mimeType: 'image/png', data: Buffer.from('png').toString('base64') }],
    });
    await before.close();
    for (const id of [one.record.id, two.record.id, withMedia.record.id])
      await store.outbox.update(id, { status: 'sending', inFlight: true, attempts: 1 });
    const ob = outbox(store, { inDoubt: () => 'skip' });
    const a = adapter('a');
    ob.setAdapter('x', 'a', a.adapter);
    const r1 = await settled(store, one.record.id);
    const r2 = await settled(store, two.record.id);
    expect(r1).toMatchObject({
      status: 'delivered',
      inFlight: false,
      partsSent: 1,
      platformIds: ['unconfirmed'],
    });
    expect(r1.deliveredAtMs).toBeGreaterThan(0);
    expect(r2).toMatchObject({ status: 'delivered', partsSent: 2, platformIds: ['unconfirmed', 'a1'] });
    const r3 = await settled(store, withMedia.record.id);
    expect(r3).toMatchObject({ status: 'delivered', partsSent: 2 });
    expect(a.sent.map((m) => m.text ?? m.media?.[0]?.mimeType).sort()).toEqual(['bbbbbbb', 'image/png']);
    await ob.close();
  });

  it('trusts the store over its own copy: a record another gateway finished, advanced, or left in doubt', async () => {
    const store = createMemoryStore();
    const seen: string[] = [];
    const a = adapter('a', async (m, n) => {
      seen.push(m.text ?? '');
      // The first try of each record fails, so it sits in backoff while "another gateway" acts.
      if (n <= 3) throw new Error('ECONNRESET');
    });
    const ob = outbox(
      store,
      { inDoubt: () => 'skip', retry: { baseMs: 300, maxMs: 300, maxAttempts: 5, rateLimitCapMs: 30 } },
      account({ sendConcurrency: 4 }),
    );
    ob.setAdapter('x', 'a', a.adapter);
    const finished = await enq(ob, 'c1', 'finished');
    const advanced = await enq(ob, 'c2', 'aaaaaaa bbbbbbb');
    const doubt = await enq(ob, 'c3', 'indoubt1 second');
    await until(() => a.sent.length === 3);
    await store.outbox.update(finished.record.id, { status: 'delivered', inFlight: false, partsSent: 1 });
    await store.outbox.update(advanced.record.id, { partsSent: 1, platformIds: ['other1'], inFlight: false });
    await store.outbox.update(doubt.record.id, { inFlight: true });
    const r2 = await settled(store, advanced.record.id);
    const r3 = await settled(store, doubt.record.id);
    expect(r2.platformIds).toEqual(['other1', expect.stringMatching(/^a\d+$/)]);
    // Its first part was in doubt: skipped as sent (policy), and the rest still goes out.
    expect(r3).toMatchObject({ status: 'delivered', partsSent: 2 });
    expect(r3.platformIds).toEqual(['unconfirmed', expect.stringMatching(/^a\d+$/)]);
    const marker = await enq(ob, 'c1', 'marker');
    await settled(store, marker.record.id);
    expect(seen.slice(3).sort()).toEqual(['bbbbbbb', 'marker', 'second']);
    expect(await store.outbox.get(finished.record.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    await ob.close();
  });

  it('does not send a record another gateway failed, nor a last part in doubt the policy counts as sent', async () => {
    const store = createMemoryStore();
    const a = adapter('a', async (_m, n) => {
      // Each record's first try fails, so both sit in backoff while "another gateway" acts.
      if (n <= 2) throw new Error('ECONNRESET');
    });
    const ob = outbox(
      store,
      { inDoubt: () => 'skip', retry: { baseMs: 300, maxMs: 300, maxAttempts: 5, rateLimitCapMs: 30 } },
      account({ sendConcurrency: 4 }),
    );
    ob.setAdapter('x', 'a', a.adapter);
    const failed = await enq(ob, 'c1', 'failed');
    const last = await enq(ob, 'c2', 'aaaaaaa bbbbbbb');
    await until(() => a.sent.length === 2);
    await until(async () => (await store.outbox.get(last.record.id))?.lastError === 'ECONNRESET');
    await until(async () => (await store.outbox.get(failed.record.id))?.lastError === 'ECONNRESET');
    await store.outbox.update(failed.record.id, { status: 'failed', lastError: 'gave up elsewhere' });
    // The other gateway sent the first part and crashed during the second (the last).
    await store.outbox.update(last.record.id, { partsSent: 1, platformIds: ['other1'], inFlight: true });
    const r = await settled(store, last.record.id);
    expect(r).toMatchObject({ status: 'delivered', partsSent: 2, inFlight: false });
    expect(r.platformIds).toEqual(['other1', 'unconfirmed']);
    // Marker: one more send through each chat, then nothing else went out.
    const m1 = await enq(ob, 'c1', 'marker1');
    const m2 = await enq(ob, 'c2', 'marker2');
    await settled(store, m1.record.id);
    await settled(store, m2.record.id);
    expect(
      a.sent
        .slice(2)
        .map((m) => m.text)
        .sort(),
    ).toEqual(['marker1', 'marker2']);
    expect(await store.outbox.get(failed.record.id)).toMatchObject({
      status: 'failed',
      lastError: 'gave up elsewhere',
      attempts: 1,
    });
    expect(await store.outbox.get(last.record.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    await ob.close();
  });

  it('picks a send left to another owner up again when this gateway gets the account back', async () => {
    const store = createMemoryStore();
    let ours = false;
    const a = adapter('a');
    const ob = outbox(store, { owns: async () => ours });
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await enq(ob, 'c', 'hello');
    await until(() => ob.queued('x', 'a') === 0);
    expect(a.sent).toHaveLength(0);
    expect((await store.outbox.get(record.id))?.status).toBe('queued');
    ours = true;
    ob.setAdapter('x', 'a', undefined);
    ob.setAdapter('x', 'a', a.adapter);
    expect((await settled(store, record.id)).status).toBe('delivered');
    expect(a.sent).toHaveLength(1);
    await ob.close();
  });

  it('does not use an adapter that was replaced while a part waited for its pacing slot', async () => {
    const store = createMemoryStore();
    const a = adapter('a');
    const b = adapter('b');
    const ob = outbox(store, {}, account({ pacing: { perChatMs: 150, perAccountMs: 0 } }));
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await enq(ob, 'c', 'aaaaaaa bbbbbbb');
    await until(() => a.sent.length === 1);
    ob.setAdapter('x', 'a', b.adapter);
    await settled(store, record.id);
    expect(a.sent.map((m) => m.text)).toEqual(['aaaaaaa']);
    expect(b.sent.map((m) => m.text)).toEqual(['bbbbbbb']);
    await ob.close();
  });

  it('a liveness report that throws changes nothing about the send', async () => {
    const store = createMemoryStore();
    const a = adapter('a');
    const ob = outbox(store, {
      onSendResult: () => {
        throw new Error('report failed');
      },
    });
    ob.setAdapter('x', 'a', a.adapter);
    const { record } = await enq(ob, 'c', 'hello');
    expect(await settled(store, record.id)).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(a.sent).toHaveLength(1);
    await ob.close();
  });

  it('close ends waits for an adapter and for a retry, lets a send on the wire finish, and marks nothing else', async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const store = createMemoryStore();
    const wire = gate();
    const first = gate();
    const a = adapter('a', async (m) => {
      if (m.text === 'flaky') throw new Error('ECONNRESET');
      if (m.text === 'onwire') await wire.opened;
      if (m.text === 'aaaaaaa') await first.opened;
    });
    const ob = outbox(store, {
      retry: { baseMs: 60_000, maxMs: 60_000, maxAttempts: 3, rateLimitCapMs: 30 },
    });
    ob.setAdapter('x', 'a', a.adapter);
    const flaky = await enq(ob, 'c1', 'flaky');
    const onWire = await enq(ob, 'c2', 'onwire');
    await until(() => a.sent.length === 2);
    const waiting = await enq(ob, 'c3', 'aaaaaaa bbbbbbb');
    await until(() => a.sent.length === 3);
    ob.setAdapter('x', 'a', undefined);
    first.open();
    await until(async () => (await store.outbox.get(waiting.record.id))?.partsSent === 1);
    await until(async () => (await store.outbox.get(flaky.record.id))?.lastError === 'ECONNRESET');
    const closing = ob.close();
    wire.open();
    await closing;
    // The minute-long backoff timer is cleared, not left to keep the process alive. At most as
    // many timers as before: one an earlier test left may have fired meanwhile (seen under load).
    expect(timers()).toBeLessThanOrEqual(timersBefore);
    expect((await store.outbox.get(onWire.record.id))?.status).toBe('delivered');
    expect(await store.outbox.get(flaky.record.id)).toMatchObject({ status: 'sending', attempts: 1 });
    expect(await store.outbox.get(waiting.record.id)).toMatchObject({ status: 'sending', partsSent: 1 });
    expect(a.sent).toHaveLength(3);
    await expect(enq(ob, 'c4', 'late')).rejects.toMatchObject({ code: 'OUTBOX_CLOSED' });
  });
});

describe('what the outbox accepts', () => {
  it('refuses an unknown channel, naming it', async () => {
    const ob = outbox(createMemoryStore());
    await expect(
      ob.enqueue({ channel: 'nope', accountId: 'a', chatId: 'c', text: 'hi' }),
    ).rejects.toMatchObject({ code: 'CHANNEL_UNKNOWN', message: expect.stringContaining('nope') });
    await ob.close();
  });

  it('sends text through a channel that cannot carry media, and names the channel when media is refused', async () => {
    const store = createMemoryStore();
    const ob = outbox(store, {}, account(), { ...caps, media: { inbound: false, outbound: false } });
    const { record } = await enq(ob, 'c', 'hello');
    expect(record.chunks).toEqual(['hello']);
    await expect(
      ob.enqueue({
        channel: 'x',
        accountId: 'a',
        chatId: 'c',
        media: [{ mimeType: 'image/png', data: 'AA==' }],
      }),
    ).rejects.toMatchObject({ code: 'MEDIA_UNSUPPORTED', message: expect.stringContaining('x') });
    await expect(ob.enqueue({ channel: 'x', accountId: 'a', chatId: 'c' })).rejects.toMatchObject({
      code: 'SEND_EMPTY',
    });
    await ob.close();
  });

  it('sends media after the text, one item per part, with file name and caption; media alone sends no text', async () => {
    const store = createMemoryStore();
    const a = adapter('a');
    const ob = outbox(store);
    ob.setAdapter('x', 'a', a.adapter);
    const both = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: 'look',
      media: [
        {
          mimeType: 'image/png',
          data: Buffer.from('png').toString('base64'),
          fileName: 'a.png',
          caption: 'cap',
        },
        { mimeType: 'text/plain', data: Buffer.from('txt').toString('base64') },
      ],
    });
    const r = await settled(store, both.record.id);
    expect(r).toMatchObject({ status: 'delivered', partsSent: 3 });
    const mediaOnly = await ob.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: 'c',
      text: '   ',
      media: [{ mimeType: 'image/gif', data: Buffer.from('gif').toString('base64') }],
    });
    expect(mediaOnly.record.chunks).toEqual([]);
    await settled(store, mediaOnly.record.id);
    const parts = a.sent.map((m) => ({
      text: m.text,
      media: m.media?.map((x) => ({ ...x, data: x.data?.toString() })),
    }));
    expect(parts).toEqual([
      { text: 'look', media: undefined },
      { text: undefined, media: [{ data: 'png', mimeType: 'image/png', fileName: 'a.png', caption: 'cap' }] },
      { text: undefined, media: [{ data: 'txt', mimeType: 'text/plain' }] },
      { text: undefined, media: [{ data: 'gif', mimeType: 'image/gif' }] },
    ]);
    await ob.close();
  });

  it("cuts text at the account's textChunkLimit, never above the platform's limit", async () => {
    const store = createMemoryStore();
    const small = outbox(store, {}, account({ textChunkLimit: 5 }));
    const big = outbox(store, {}, account({ textChunkLimit: 50 }));
    const text = 'abcd efgh ijkl mnop';
    const s = (await enq(small, 'c', text)).record.chunks;
    const b = (await enq(big, 'c', text)).record.chunks;
    expect(Math.max(...s.map((c) => c.length))).toBeLessThanOrEqual(5);
    expect(s.length).toBeGreaterThan(2);
    expect(Math.max(...b.map((c) => c.length))).toBeLessThanOrEqual(10);
    expect(Math.max(...b.map((c) => c.length))).toBeGreaterThan(5);
    await small.close();
    await big.close();
  });

  it('keeps every part of a send in its thread, also where a reply would start one; only the first part quotes', async () => {
    for (const replyStartsThread of [false, true]) {
      const store = createMemoryStore();
      const a = adapter('a');
      const ob = outbox(store, {}, account(), { ...caps, replyStartsThread });
      ob.setAdapter('x', 'a', a.adapter);
      const { record } = await ob.enqueue({
        channel: 'x',
        accountId: 'a',
        chatId: 'c',
        threadId: 't1',
        replyToId: 'orig',
        text: 'aaaaaaa bbbbbbb',
      });
      await settled(store, record.id);
      expect(a.sent.map((m) => m.to.threadId)).toEqual(['t1', 't1']);
      expect(a.sent.map((m) => m.replyToId)).toEqual(['orig', undefined]);
      await ob.close();
    }
  });
});
