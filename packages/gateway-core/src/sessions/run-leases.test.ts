import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { RunRecord } from '../store/types.ts';
import { ManualClock } from '../util/clock.ts';
import { RunLeases, RunTakenOver } from './run-leases.ts';
import { RunRecovery } from './run-recovery.ts';
import { DEFAULT_RUN_SETTINGS } from './run-settings.ts';

const TTL = 3000;

describe('run leases and takeover', () => {
  const store = createMemoryStore();
  const clock = new ManualClock();
  const open: RunLeases[] = [];
  const leases = (gatewayId: string, on = store) => {
    const l = new RunLeases({ store: on, clock, gatewayId, ttlMs: () => TTL, log: createSilentLogger() });
    open.push(l);
    return l;
  };
  afterEach(() => {
    for (const l of open.splice(0)) l.close();
  });

  it('a run is one gateway’s until its lease runs out; the old holder then fails the fencing check', async () => {
    const a = leases('gw-a');
    const b = leases('gw-b');
    expect(await a.hold('r1')).toBe(true);
    expect(await b.hold('r1')).toBe(false);
    b.release('r1');
    expect(await a.owns('r1')).toBe(true);
    clock.advance(TTL + 1);
    // Expired: not ours to act on any more, even before anyone takes it.
    expect(await a.owns('r1')).toBe(false);
    expect(await b.hold('r1')).toBe(true);
    // A renewing after the takeover gets nothing back, and stays out.
    expect(await a.hold('r1')).toBe(false);
    expect(await b.owns('r1')).toBe(true);
  });

  it('the fence before a write passes for the holder; after a takeover it aborts the run and throws', async () => {
    const a = leases('gw-a');
    const b = leases('gw-b');
    const run = new AbortController();
    expect(await a.hold('r5', run)).toBe(true);
    await a.fence('r5');
    await a.fence('r5', true);
    clock.advance(TTL + 1);
    await b.hold('r5');
    await expect(a.fence('r5')).rejects.toBeInstanceOf(RunTakenOver);
    expect(run.signal.reason).toBeInstanceOf(RunTakenOver);
    // Let go here: no longer held, nothing renewed.
    expect(a.isHeld('r5')).toBe(false);
  });

  it('a holder that lost its run does not get it back when the new holder frees it', async () => {
    const a = leases('gw-a');
    const b = leases('gw-b');
    await a.hold('r2');
    clock.advance(TTL + 1);
    await b.hold('r2');
    b.release('r2');
    expect(await a.hold('r2')).toBe(false);
    // And the lease it briefly re-took is free again for whoever comes next.
    expect((await store.leases.get('run:r2'))?.holder ?? '').toBe('');
  });

  it('a surviving gateway resumes a dead gateway’s running run once its lease ran out, and only then', async () => {
    const a = leases('gw-a');
    const b = leases('gw-b');
    const run: RunRecord = {
      runId: 'r3',
      sessionKey: 's3',
      source: 'agent',
      status: 'running',
      message: 'hi',
      createdAtMs: clock.now(),
      startSeq: 0,
      ownerId: 'gw-a',
    };
    await store.runs.create(run);
    await a.hold('r3');
    const resumed: RunRecord[] = [];
    const recovery = new RunRecovery({
      store,
      clock,
      log: createSilentLogger(),
      gatewayId: 'gw-b',
      settings: () => ({ ...DEFAULT_RUN_SETTINGS, resumeInterrupted: true }),
      append: (m) => store.sessions.append(m),
      resume: (r) => resumed.push(r),
      leases: b,
    });
    expect(await recovery.recover()).toBe(0);
    clock.advance(TTL + 1);
    expect(await recovery.recover()).toBe(1);
    expect(resumed.map((r) => r.runId)).toEqual(['r3']);
    expect(await store.runs.get('r3')).toMatchObject({ status: 'accepted', ownerId: 'gw-b', resumes: 1 });
    expect(await b.owns('r3')).toBe(true);
    // Held now, so a second look does not take it again.
    expect(await recovery.recover()).toBe(0);
    await recovery.close();
  });

  it('a run accepted a moment ago is left alone; a restarted gateway takes back its own lease at once', async () => {
    // A store of its own: no run of the tests above is in it.
    const store = createMemoryStore();
    const before = leases('gw-c', store);
    const run: RunRecord = {
      runId: 'r4',
      sessionKey: 's4',
      source: 'agent',
      status: 'running',
      message: 'hi',
      createdAtMs: clock.now(),
      startSeq: 0,
      ownerId: 'gw-c',
    };
    await store.runs.create(run);
    await before.hold('r4');
    const after = leases('gw-c', store);
    const resumed: string[] = [];
    const recovery = new RunRecovery({
      store,
      clock,
      log: createSilentLogger(),
      gatewayId: 'gw-c',
      settings: () => ({ ...DEFAULT_RUN_SETTINGS, resumeInterrupted: true }),
      append: (m) => store.sessions.append(m),
      resume: (r) => resumed.push(r.runId),
      leases: after,
    });
    // Too new: its lease may still be on its way (the run was just accepted).
    expect(await recovery.recover()).toBe(0);
    clock.advance(TTL / 2 + 1);
    await before.hold('r4');
    clock.advance(TTL / 2);
    // Older than a lease time, its lease still live in this gateway's name: taken back, not waited out.
    expect(await recovery.recover()).toBe(1);
    expect(resumed).toEqual(['r4']);
    expect(await after.owns('r4')).toBe(true);
    await recovery.close();
  });
});
