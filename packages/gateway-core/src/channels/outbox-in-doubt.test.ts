// A part left in doubt by a crash, on a platform whose chat history the adapter can read (findSent):
// the history settles the doubt before the policy does.
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import type { Store } from '../store/types.ts';
import type { Outbox } from './outbox.ts';
import { recordingAdapter, settled, testCaps, testOutbox } from './outbox-test-fixtures.ts';
import type { ChannelAdapter, ChannelCapabilities, OutboundMessage } from './sdk/types.ts';

const caps: ChannelCapabilities = { ...testCaps, threads: true };

interface Lookup {
  to: OutboundMessage['to'];
  nonce: string;
  sinceMs: number;
}

/** An adapter that can read the chat: `history` answers each lookup by the record's chat. */
function historyAdapter(history: (l: Lookup) => Promise<string[] | undefined>) {
  const { adapter: sender, sent } = recordingAdapter('s', undefined, caps);
  const lookups: Lookup[] = [];
  const adapter: ChannelAdapter = {
    ...sender,
    async findSent(to, nonce, sinceMs) {
      const l = { to, nonce, sinceMs };
      lookups.push(l);
      return history(l);
    },
  };
  return { adapter, sent, lookups };
}

/** An outbox serving channel x. */
const outbox = (store: Store, c: ChannelCapabilities = caps): Outbox =>
  testOutbox(store, { capabilities: (ch) => (ch === 'x' ? c : undefined) });

/** Queue records, then leave each as a crash mid-send would: its next part marked in flight. */
async function crashedWith(store: Store, sends: { chatId: string; text: string; threadId?: string }[]) {
  const before = outbox(store);
  const ids: string[] = [];
  for (const s of sends) {
    const { record } = await before.enqueue({
      channel: 'x',
      accountId: 'a',
      chatId: s.chatId,
      text: s.text,
      ...(s.threadId ? { threadId: s.threadId } : {}),
    });
    ids.push(record.id);
  }
  await before.close();
  for (const id of ids) await store.outbox.update(id, { status: 'sending', inFlight: true, attempts: 1 });
  return Promise.all(ids.map(async (id) => (await store.outbox.get(id))!));
}

describe('outbox: a part in doubt, settled by the chat history', () => {
  it('does not send again what the chat has; resends what it has not or cannot tell, counted', async () => {
    const store = createMemoryStore();
    const [found, twoParts, missing, failing] = await crashedWith(store, [
      { chatId: 'c1', text: 'single' },
      { chatId: 'c2', text: 'aaaaaaa bbbbbbb', threadId: 't2' },
      { chatId: 'c3', text: 'not there' },
      { chatId: 'c4', text: 'fails' },
    ]);
    const h = historyAdapter(async ({ to }) => {
      if (to.chatId === 'c1') return ['p-c1'];
      if (to.chatId === 'c2') return ['p-c2'];
      if (to.chatId === 'c4') throw new Error('history unavailable');
      return undefined;
    });
    const ob = outbox(store);
    ob.setAdapter('x', 'a', h.adapter);

    const r1 = await settled(store, found!.id);
    expect(r1).toMatchObject({
      status: 'delivered',
      inFlight: false,
      partsSent: 1,
      platformIds: ['p-c1'],
      inDoubtResends: 0,
    });
    expect(r1.deliveredAtMs).toBeGreaterThan(0);
    // The first of two parts was in the chat: only the second goes out.
    const r2 = await settled(store, twoParts!.id);
    expect(r2).toMatchObject({ status: 'delivered', partsSent: 2, inDoubtResends: 0 });
    expect(r2.platformIds[0]).toBe('p-c2');
    const r3 = await settled(store, missing!.id);
    expect(r3).toMatchObject({ status: 'delivered', partsSent: 1, inDoubtResends: 1 });
    const r4 = await settled(store, failing!.id);
    expect(r4).toMatchObject({ status: 'delivered', partsSent: 1, inDoubtResends: 1 });

    expect(h.sent.map((m) => [m.to.chatId, m.text]).sort()).toEqual([
      ['c2', 'bbbbbbb'],
      ['c3', 'not there'],
      ['c4', 'fails'],
    ]);
    // Each lookup asks the record's chat (and thread) for its part's nonce, since its last update.
    const byChat = new Map(h.lookups.map((l) => [l.to.chatId, l]));
    expect(byChat.get('c1')).toEqual({
      to: { chatId: 'c1' },
      nonce: `${found!.id}:0`,
      sinceMs: found!.updatedAtMs,
    });
    expect(byChat.get('c2')).toEqual({
      to: { chatId: 'c2', threadId: 't2' },
      nonce: `${twoParts!.id}:0`,
      sinceMs: twoParts!.updatedAtMs,
    });
    expect(h.lookups).toHaveLength(4);
    await ob.close();
  });

  it('does not look where the platform dedupes sends itself: the part is simply sent again, uncounted', async () => {
    const store = createMemoryStore();
    const [r] = await crashedWith(store, [{ chatId: 'c1', text: 'single' }]);
    const h = historyAdapter(async () => ['p-c1']);
    const ob = outbox(store, { ...caps, idempotentSend: true });
    ob.setAdapter('x', 'a', h.adapter);
    expect(await settled(store, r!.id)).toMatchObject({
      status: 'delivered',
      inDoubtResends: 0,
      platformIds: ['s1'],
    });
    expect(h.lookups).toEqual([]);
    await ob.close();
  });
});
