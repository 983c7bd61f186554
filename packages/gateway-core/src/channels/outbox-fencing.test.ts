// Fencing at the outbox: before each part, the sender must still hold the account's lease with
// the token it started under. Real SQLite, two connections to one file (two gateways on one host).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBus } from '../events/event-bus.ts';
import { createLogger, createSilentLogger } from '../logging/logger.ts';
import { echoResponder } from '../sessions/responder.ts';
import { createSqliteStore } from '../store/sqlite-store.ts';
import type { OutboxRecord, Store } from '../store/types.ts';
import { scriptedProvider } from '../testing/scripted-provider.ts';
import { systemClock } from '../util/clock.ts';
import { createChannels } from './create-channels.ts';
import { Outbox } from './outbox.ts';
import { testCaps, until } from './outbox-test-fixtures.ts';
import type { ChannelAdapter, ChannelCapabilities, OutboundMessage } from './sdk/types.ts';

const LEASE = 'channel:scripted:default';
const caps: ChannelCapabilities = { ...testCaps, media: { inbound: false, outbound: false } };

function recordingAdapter(onSend: (m: OutboundMessage) => Promise<void> = async () => {}) {
  const sent: string[] = [];
  const adapter: ChannelAdapter = {
    capabilities: caps,
    async start() {},
    async stop() {},
    async send(m) {
      await onSend(m);
      sent.push(m.text ?? '');
      return { ids: [`id-${sent.length}`], at: Date.now() };
    },
  };
  return { adapter, sent };
}

/** The owner check a gateway makes: same holder, same token, not expired. */
const holds = (store: Store, holder: string, token: number) => async () => {
  const l = await store.leases.get(LEASE);
  return l?.holder === holder && l.token === token && l.expiresAtMs > Date.now();
};

describe('outbox fencing', () => {
  let dir: string;
  const cleanup: (() => Promise<unknown> | unknown)[] = [];
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function twoConnections(): Promise<[Store, Store]> {
    dir = await mkdtemp(join(tmpdir(), 'oc-fence-'));
    const path = join(dir, 'gateway.db');
    const a = createSqliteStore({ path });
    const b = createSqliteStore({ path });
    cleanup.push(
      () => a.close(),
      () => b.close(),
    );
    return [a, b];
  }

  it('a lease that moves mid-record stops the old holder before its next part; the new holder sends the rest, each part once', async () => {
    const [storeA, storeB] = await twoConnections();
    const lines: string[] = [];
    const log = createLogger({ level: 'warn', destination: { write: (l: string) => lines.push(l) } });
    const now = Date.now();
    const a = await storeA.leases.acquire(LEASE, 'gw-a', 60_000, now);
    // While A's first part is on the wire, A hangs past its lease and B takes the account over.
    let first = true;
    const onA = recordingAdapter(async () => {
      if (!first) return;
      first = false;
      const b = await storeB.leases.acquire(LEASE, 'gw-b', 60_000, now + 61_000);
      expect(b).toMatchObject({ acquired: true, lease: { holder: 'gw-b', token: a.lease.token + 1 } });
    });
    const outboxA = new Outbox({
      store: storeA,
      clock: systemClock,
      log,
      capabilities: () => caps,
      account: () => undefined,
      inDoubt: () => 'resend',
      owns: holds(storeA, 'gw-a', a.lease.token),
    });
    cleanup.push(() => outboxA.close());
    outboxA.setAdapter('scripted', 'default', onA.adapter);
    const { record } = await outboxA.enqueue({
      channel: 'scripted',
      accountId: 'default',
      chatId: 'c1',
      text: 'aaaa bbbb cccc dddd eeee',
    });
    expect(record.chunks.length).toBeGreaterThanOrEqual(3);
    // Marker: A's worker is done with the record (it stepped back, or, unfenced, delivered it all).
    await until(() => outboxA.queued('scripted', 'default') === 0);
    expect(onA.sent).toEqual([record.chunks[0]]);
    expect(lines.some((l) => l.includes('account no longer ours'))).toBe(true);
    const left = (await storeA.outbox.get(record.id)) as OutboxRecord;
    expect(left).toMatchObject({ status: 'sending', partsSent: 1, inFlight: false });

    // B serves the account now (with its own, newer token) and finishes the record.
    const onB = recordingAdapter();
    const outboxB = new Outbox({
      store: storeB,
      clock: { now: () => Date.now() + 61_000 },
      log: createSilentLogger(),
      capabilities: () => caps,
      account: () => undefined,
      inDoubt: () => 'resend',
      owns: async () => {
        const l = await storeB.leases.get(LEASE);
        return l?.holder === 'gw-b' && l.token === a.lease.token + 1;
      },
    });
    cleanup.push(() => outboxB.close());
    outboxB.setAdapter('scripted', 'default', onB.adapter);
    await until(async () => (await storeB.outbox.get(record.id))?.status === 'delivered');
    expect(onB.sent).toEqual(record.chunks.slice(1));
    expect(onA.sent).toEqual([record.chunks[0]]);
  });

  it('channels: once another gateway holds the lease with a newer token, the old holder sends nothing', async () => {
    const [storeA, storeB] = await twoConnections();
    const { provider, state } = scriptedProvider({ capabilities: caps });
    const m = createChannels({
      store: storeA,
      bus: new EventBus(),
      clock: systemClock,
      log: createSilentLogger(),
      responder: () => echoResponder,
      providers: [provider],
      config: () => ({ scripted: { dmPolicy: 'open' } }),
      stateDir: tmpdir(),
      gatewayId: 'gw-a',
      // Long enough that A's own renewal does not notice the takeover during the test: only the
      // check before each send stands between A and the platform.
      leaseTtlMs: 60_000,
    });
    cleanup.push(() => m.close());
    await m.start();
    await until(() => m.summary().accounts[0]!.connected);
    expect(await m.leases.owns('scripted', 'default')).toBe(true);

    // A hangs past its lease; B takes the account (the token moves on).
    const taken = await storeB.leases.acquire(LEASE, 'gw-b', 60_000, Date.now() + 61_000);
    expect(taken.acquired).toBe(true);
    expect(await m.leases.owns('scripted', 'default')).toBe(false);

    const r = await m.send({ channel: 'scripted', to: 'c9', message: 'one two', idempotencyKey: 'k1' }, 'op');
    // Marker: the record's worker on A has finished with it.
    await until(() => m.outbox.queued('scripted', 'default') === 0);
    // A checked, stepped back and sent nothing; the record waits for its owner.
    expect(state.sent).toEqual([]);
    expect(await storeA.outbox.get(r.messageId)).toMatchObject({ status: 'queued', partsSent: 0 });
  });

  it("a gateway whose lease moved leaves the new owner's part in flight alone: it neither settles nor sends it", async () => {
    const [storeA, storeB] = await twoConnections();
    const now = Date.now();
    const a = await storeA.leases.acquire(LEASE, 'gw-a', 60_000, now);
    // A's first try fails, so the record sits in A's backoff while the account changes hands.
    let tries = 0;
    const onA = recordingAdapter(async () => {
      tries++;
      throw new Error('ECONNRESET');
    });
    const outboxA = new Outbox({
      store: storeA,
      clock: systemClock,
      log: createSilentLogger(),
      capabilities: () => caps,
      account: () => undefined,
      // Under `skip`, settling the part would count it as sent: the most a stale gateway could spoil.
      inDoubt: () => 'skip',
      retry: { baseMs: 300, maxMs: 300, maxAttempts: 5, rateLimitCapMs: 30 },
      owns: holds(storeA, 'gw-a', a.lease.token),
    });
    cleanup.push(() => outboxA.close());
    outboxA.setAdapter('scripted', 'default', onA.adapter);
    const { record } = await outboxA.enqueue({
      channel: 'scripted',
      accountId: 'default',
      chatId: 'c1',
      text: 'hello',
    });
    await until(async () => (await storeA.outbox.get(record.id))?.lastError === 'ECONNRESET');
    // B takes the account over and starts sending the part: its durable in-flight marker.
    const b = await storeB.leases.acquire(LEASE, 'gw-b', 60_000, now + 61_000);
    expect(b.acquired).toBe(true);
    await storeB.outbox.update(record.id, { status: 'sending', inFlight: true, attempts: 2 });
    // Marker: A's worker is done with the record after its backoff.
    await until(() => outboxA.queued('scripted', 'default') === 0);
    expect(tries).toBe(1);
    expect(await storeA.outbox.get(record.id)).toMatchObject({
      status: 'sending',
      inFlight: true,
      partsSent: 0,
      platformIds: [],
      inDoubtResends: 0,
      attempts: 2,
    });
  });
});
