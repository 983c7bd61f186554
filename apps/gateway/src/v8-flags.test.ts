// The daemon drops --optimize-for-size while agent runs happen and takes it back when they stop,
// holding the young generation at a cap meanwhile; an operator's OPENCLAW_V8_FLAGS is left alone.
import { EventBus } from '@openclaw/gateway-core';
import { afterEach, expect, it, vi } from 'vitest';
import {
  applyV8Flags,
  followRunActivity,
  RUN_YOUNG_GEN_CAP_BYTES,
  type YoungGeneration,
} from './v8-flags.ts';

/** A young generation the test sizes, with collections it announces. */
function fakeYoungGeneration(bytes: number) {
  const listeners = new Set<() => void>();
  const young: YoungGeneration & { size: number; collect(size: number): void; listening(): number } = {
    size: bytes,
    bytes: () => young.size,
    onCollection(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    collect(size) {
      young.size = size;
      for (const l of listeners) l();
    },
    listening: () => listeners.size,
  };
  return young;
}

const lifecycle = (bus: EventBus, runId: string, phase: string) =>
  bus.publish('agent', { runId, seq: 0, stream: 'lifecycle', ts: Date.now(), data: { phase } });

afterEach(() => {
  vi.useRealTimers();
});

it('a run starting switches the flag off once; runs going quiet switch it back', () => {
  // The clock is the test's: the policy is about time, and a loaded machine must not bend it.
  vi.useFakeTimers();
  const bus = new EventBus();
  const set: string[] = [];
  const stop = followRunActivity(bus, {
    quietMs: 150,
    setFlags: (f) => set.push(f),
    force: true,
    youngGeneration: fakeYoungGeneration(1024 * 1024),
  });
  try {
    // Other events, and a run's other phases, change nothing.
    bus.publish('agent', { runId: 'r0', seq: 1, stream: 'assistant', ts: 0, data: { text: 'x' } });
    lifecycle(bus, 'r0', 'end');
    expect(set).toEqual([]);
    lifecycle(bus, 'r1', 'start');
    lifecycle(bus, 'r2', 'start');
    expect(set).toEqual(['--no-optimize-for-size']);
    // A run starting 100 ms later keeps it off until 150 ms after that one.
    vi.advanceTimersByTime(100);
    lifecycle(bus, 'r3', 'start');
    vi.advanceTimersByTime(149);
    expect(set).toEqual(['--no-optimize-for-size']);
    vi.advanceTimersByTime(1);
    expect(set).toEqual(['--no-optimize-for-size', '--optimize-for-size']);
    lifecycle(bus, 'r4', 'start');
    expect(set.at(-1)).toBe('--no-optimize-for-size');
  } finally {
    stop();
  }
  // Stopping while runs are recent leaves the daemon's default behind, not the run mode.
  expect(set.at(-1)).toBe('--optimize-for-size');
  lifecycle(bus, 'r5', 'start');
  expect(set).toHaveLength(4);
});

it('while runs happen the young generation stops growing at the cap, and may grow again below it', () => {
  vi.useFakeTimers();
  const bus = new EventBus();
  const set: string[] = [];
  const young = fakeYoungGeneration(2 * 1024 * 1024);
  const stop = followRunActivity(bus, {
    quietMs: 150,
    setFlags: (f) => set.push(f),
    force: true,
    youngGeneration: young,
  });
  try {
    // No run yet: nothing watches the heap.
    young.collect(RUN_YOUNG_GEN_CAP_BYTES * 2);
    expect(young.listening()).toBe(0);
    young.size = 2 * 1024 * 1024;
    lifecycle(bus, 'r1', 'start');
    expect(set).toEqual(['--no-optimize-for-size']);
    young.collect(RUN_YOUNG_GEN_CAP_BYTES / 2);
    expect(set).toEqual(['--no-optimize-for-size']);
    young.collect(RUN_YOUNG_GEN_CAP_BYTES);
    expect(set.at(-1)).toBe('--semi-space-growth-factor=1');
    // Held: further collections at the cap change nothing.
    young.collect(RUN_YOUNG_GEN_CAP_BYTES);
    expect(set).toHaveLength(2);
    // V8 shrank it (its memory reducer): growth is allowed again, up to the cap.
    young.collect(RUN_YOUNG_GEN_CAP_BYTES / 4);
    expect(set.at(-1)).toBe('--semi-space-growth-factor=2');
    young.collect(RUN_YOUNG_GEN_CAP_BYTES);
    expect(set.at(-1)).toBe('--semi-space-growth-factor=1');
    // Runs going quiet: V8's own growth back, the size flag back, and the heap no longer watched.
    vi.advanceTimersByTime(150);
    expect(set.slice(-2)).toEqual(['--semi-space-growth-factor=2', '--optimize-for-size']);
    expect(young.listening()).toBe(0);
  } finally {
    stop();
  }
});

it('leaves the flags alone when the operator set OPENCLAW_V8_FLAGS', () => {
  applyV8Flags({ OPENCLAW_V8_FLAGS: '' });
  const bus = new EventBus();
  const set: string[] = [];
  const stop = followRunActivity(bus, { quietMs: 10, setFlags: (f) => set.push(f) });
  lifecycle(bus, 'r1', 'start');
  stop();
  expect(set).toEqual([]);
});
