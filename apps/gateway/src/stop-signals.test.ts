// Real signals sent to this test process (SIGUSR2: one of the stop signals, and harmless while
// a listener is installed; every case leaves none behind).
import { afterEach, describe, expect, it } from 'vitest';
import { holdStopSignals, STOP_SIGNALS } from './stop-signals.ts';

const nextSignal = (signal: NodeJS.Signals) =>
  new Promise<void>((res) => {
    // Runs after the stop listener when both see the same delivery (listeners run in order).
    const seen = () => res();
    process.once(signal, seen);
  });

describe('stop signals held from before the start', () => {
  afterEach(() => {
    for (const s of STOP_SIGNALS) expect(process.listenerCount(s), s).toBe(0);
  });

  it('a signal the kernel delivered just before the stop is armed still stops (it was once lost)', async () => {
    const signals = holdStopSignals();
    const stops: string[] = [];
    // kill() to oneself runs libuv's signal handler before it returns: the delivery is queued
    // for the listener installed now, and read by the event loop after the arm below.
    process.kill(process.pid, 'SIGUSR2');
    signals.arm((s) => stops.push(s));
    const deadline = Date.now() + 5_000;
    while (stops.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    expect(stops).toEqual(['SIGUSR2']);
  });

  it('a signal during the start is held and passed on when the stop is armed', async () => {
    const signals = holdStopSignals();
    const after = nextSignal('SIGUSR2');
    process.kill(process.pid, 'SIGUSR2');
    await after;
    const stops: string[] = [];
    signals.arm((s) => stops.push(s));
    expect(stops).toEqual(['SIGUSR2']);
  });

  it('the first stop signal stops once and gives the next ones back to Node', async () => {
    const signals = holdStopSignals();
    const stops: string[] = [];
    signals.arm((s) => stops.push(s));
    const after = nextSignal('SIGUSR2');
    process.kill(process.pid, 'SIGUSR2');
    await after;
    expect(stops).toEqual(['SIGUSR2']);
    // Removed: a second SIGTERM would end the process by Node's default.
    for (const s of STOP_SIGNALS) expect(process.listeners(s)).toEqual([]);
  });

  it('release after a failed start removes the listeners', () => {
    const signals = holdStopSignals();
    for (const s of STOP_SIGNALS) expect(process.listenerCount(s)).toBe(1);
    signals.release();
  });
});
