// The daemon drops --optimize-for-size while agent runs happen and takes it back when they stop;
// an operator's OPENCLAW_V8_FLAGS is left alone.
import { EventBus } from '@openclaw/gateway-core';
import { afterEach, expect, it, vi } from 'vitest';
import { applyV8Flags, followRunActivity } from './v8-flags.ts';

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
  const stop = followRunActivity(bus, { quietMs: 150, setFlags: (f) => set.push(f), force: true });
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

it('leaves the flags alone when the operator set OPENCLAW_V8_FLAGS', () => {
  applyV8Flags({ OPENCLAW_V8_FLAGS: '' });
  const bus = new EventBus();
  const set: string[] = [];
  const stop = followRunActivity(bus, { quietMs: 10, setFlags: (f) => set.push(f) });
  lifecycle(bus, 'r1', 'start');
  stop();
  expect(set).toEqual([]);
});
