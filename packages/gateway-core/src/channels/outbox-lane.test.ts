// The per-account lane on its own: who waits for an adapter, how many sends run at once, and how
// far apart the account's platform calls are kept. The outbox tests drive it through real sends;
// these pin its edges (a gap of exactly the pacing, a slot freed with waiters queued) exactly.
import { describe, expect, it } from 'vitest';
import { settledYet } from '../testing/settled-yet.ts';
import { Lane } from './outbox-lane.ts';
import { testCaps } from './outbox-test-fixtures.ts';
import type { ChannelAdapter } from './sdk/types.ts';

const adapter = (name: string): ChannelAdapter => ({
  capabilities: testCaps,
  async start() {},
  async stop() {},
  async send() {
    return { ids: [name], at: 0 };
  },
});

describe('outbox lane', () => {
  it('hands the adapter to every waiter once there is one, and keeps them waiting while there is none', async () => {
    const lane = new Lane();
    const first = lane.ready();
    const second = lane.ready();
    lane.setAdapter(undefined);
    expect(await settledYet(first)).toBe(false);
    const a = adapter('a');
    lane.setAdapter(a);
    expect(await first).toBe(a);
    expect(await second).toBe(a);
    // With an adapter in place, asking again does not wait.
    expect(await lane.ready()).toBe(a);
    lane.setAdapter(undefined);
    expect(await settledYet(lane.ready())).toBe(false);
  });

  it('runs at most `limit` at once; each release lets exactly one waiter in, in the order they came', async () => {
    const lane = new Lane();
    await lane.acquire(2);
    await lane.acquire(2);
    const order: string[] = [];
    const third = lane.acquire(2).then(() => order.push('third'));
    const fourth = lane.acquire(2).then(() => order.push('fourth'));
    expect(await settledYet(third)).toBe(false);
    lane.release();
    await third;
    expect(await settledYet(fourth)).toBe(false);
    lane.release();
    await fourth;
    expect(order).toEqual(['third', 'fourth']);
    // Two are running again (the two that came in): a fifth waits; a lower limit is honoured too.
    const fifth = lane.acquire(2);
    expect(await settledYet(fifth)).toBe(false);
    lane.release();
    lane.release();
    await fifth;
    // One is running now, so a limit of 1 makes the next wait.
    expect(await settledYet(lane.acquire(1))).toBe(false);
  });

  it('close wakes a waiter for the adapter (it gets none) and leaves a waiter for a slot to the release', async () => {
    const lane = new Lane();
    const waiting = lane.ready();
    lane.wakeAll();
    expect(await waiting).toBeUndefined();
    await lane.acquire(1);
    const slot = lane.acquire(1);
    lane.wakeAll();
    // Woken, it finds the slot still taken and waits on.
    expect(await settledYet(slot)).toBe(false);
    lane.release();
    expect(await settledYet(slot)).toBe(true);
  });

  it('claims a platform call only once the pacing gap has passed, to the millisecond', () => {
    const lane = new Lane();
    // The first call of an account never waits.
    expect(lane.claimAccountSend(1000, 50)).toBe(0);
    expect(lane.claimAccountSend(1010, 50)).toBe(40);
    // Asking does not claim: the gap still counts from 1000.
    expect(lane.claimAccountSend(1049, 50)).toBe(1);
    expect(lane.claimAccountSend(1050, 50)).toBe(0);
    // That claimed 1050: the next call waits a full gap from it.
    expect(lane.claimAccountSend(1050, 50)).toBe(50);
    expect(lane.claimAccountSend(1099, 50)).toBe(1);
    // No pacing: back-to-back calls at the same instant.
    const free = new Lane();
    expect(free.claimAccountSend(5, 0)).toBe(0);
    expect(free.claimAccountSend(5, 0)).toBe(0);
  });

  it('reserves account slots one gap apart, queued from the last reservation, not from now', () => {
    const lane = new Lane();
    expect(lane.reserveAccountSlot(1000, 30)).toBe(0);
    // Two more asked at once: 30 and 60 ms out.
    expect(lane.reserveAccountSlot(1000, 30)).toBe(30);
    expect(lane.reserveAccountSlot(1005, 30)).toBe(55);
    // Long after the last slot: no wait, and the next slot counts from now.
    expect(lane.reserveAccountSlot(2000, 30)).toBe(0);
    expect(lane.reserveAccountSlot(2010, 30)).toBe(20);
  });
});
