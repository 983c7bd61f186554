import { afterEach, describe, expect, it } from 'vitest';
import { createSilentLogger } from '../logging/logger.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import type { RunRecord } from '../store/types.ts';
import { ManualClock } from '../util/clock.ts';
import { handOverRuns } from './run-handover.ts';
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
    expect(await store.runs.get('r3')).toMatchObject({ status: 'running', ownerId: 'gw-b', resumes: 1 });
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

  const recoveryFor = (on: typeof store, gatewayId: string, l: RunLeases, resumed: RunRecord[]) =>
    new RunRecovery({
      store: on,
      clock,
      log: createSilentLogger(),
      gatewayId,
      settings: () => ({ ...DEFAULT_RUN_SETTINGS, resumeInterrupted: true }),
      append: (m) => on.sessions.append(m),
      resume: (r) => resumed.push(r),
      leases: l,
    });
  const runOf = (runId: string, status: RunRecord['status'], extra: Partial<RunRecord> = {}): RunRecord => ({
    runId,
    sessionKey: 's-queue',
    source: 'channel',
    status,
    message: runId,
    createdAtMs: clock.now(),
    ownerId: 'gw-a',
    ...extra,
  });

  it('runs a stopping gateway hands over are taken at once, young as they are, and not counted as resumes', async () => {
    const store = createMemoryStore();
    const a = leases('gw-a', store);
    const b = leases('gw-b', store);
    await store.runs.create(runOf('h1', 'running', { startSeq: 0, startedAtMs: clock.now() }));
    await store.runs.create(runOf('h2', 'accepted'));
    await a.hold('h1');
    await a.hold('h2');
    const resumed: RunRecord[] = [];
    const recovery = recoveryFor(store, 'gw-b', b, resumed);
    expect(await recovery.recover()).toBe(0);
    expect(
      await handOverRuns({ store, clock, log: createSilentLogger(), leases: a }, [
        runOf('h1', 'running'),
        runOf('h2', 'accepted'),
      ]),
    ).toEqual(['h1', 'h2']);
    // Freed, not expired: no lease time has passed.
    expect(await a.owns('h1')).toBe(false);
    expect(await recovery.recover()).toBe(2);
    expect(resumed.map((r) => r.runId)).toEqual(['h1', 'h2']);
    // Started again from its stored step (startSeq kept), the crash resume still unused.
    expect(await store.runs.get('h1')).toMatchObject({ status: 'accepted', ownerId: 'gw-b', startSeq: 0 });
    const h1 = await store.runs.get('h1');
    expect(h1?.resumes).toBeUndefined();
    expect(h1?.handedOverAtMs).toBeUndefined();
    expect(await b.owns('h2')).toBe(true);
    await recovery.close();
  });

  it('a handover of a run that is someone else’s by now writes nothing', async () => {
    const store = createMemoryStore();
    const a = leases('gw-a', store);
    const b = leases('gw-b', store);
    await store.runs.create(runOf('h3', 'running', { startSeq: 0 }));
    await a.hold('h3');
    clock.advance(TTL + 1);
    await b.hold('h3');
    expect(
      await handOverRuns({ store, clock, log: createSilentLogger(), leases: a }, [runOf('h3', 'running')]),
    ).toEqual([]);
    expect(await store.runs.get('h3')).toMatchObject({ status: 'running' });
    expect((await store.runs.get('h3'))?.handedOverAtMs).toBeUndefined();
    expect(await b.owns('h3')).toBe(true);
  });

  it('a dead gateway’s queued runs are taken with the one before them, in order, never past it', async () => {
    const store = createMemoryStore();
    const a = leases('gw-a', store);
    const b = leases('gw-b', store);
    await store.runs.create(runOf('q1', 'running', { startSeq: 0 }));
    clock.advance(1);
    await store.runs.create(runOf('q2', 'accepted'));
    clock.advance(1);
    await store.runs.create(runOf('q3', 'accepted'));
    for (const id of ['q1', 'q2', 'q3']) await a.hold(id);
    clock.advance(TTL + 1);
    // The running one is still held (renewed last): the queued ones behind it are not taken.
    await a.hold('q1');
    const resumed: RunRecord[] = [];
    const recovery = recoveryFor(store, 'gw-b', b, resumed);
    expect(await recovery.recover()).toBe(0);
    expect(await store.runs.get('q2')).toMatchObject({ status: 'accepted', ownerId: 'gw-a' });
    clock.advance(TTL + 1);
    expect(await recovery.recover()).toBe(3);
    expect(resumed.map((r) => [r.runId, r.status])).toEqual([
      ['q1', 'running'],
      ['q2', 'accepted'],
      ['q3', 'accepted'],
    ]);
    expect(await store.runs.get('q1')).toMatchObject({ resumes: 1, ownerId: 'gw-b' });
    expect((await store.runs.get('q2'))?.resumes).toBeUndefined();
    await recovery.close();
  });
});
