import { expect, it, vi } from 'vitest';
import { enforceStopDeadline } from './stop-deadline.ts';

function recorder() {
  const reports: { fields: { stage: string; activeResources: string[] }; message: string }[] = [];
  const exits: number[] = [];
  return {
    reports,
    exits,
    report: (fields: { stage: string; activeResources: string[] }, message: string) =>
      void reports.push({ fields, message }),
    exit: (code: number) => void exits.push(code),
  };
}

it('a stop that hangs past the deadline is reported with its step and what kept the process alive, then exits 1', async () => {
  const r = recorder();
  let stage = 'draining clients';
  enforceStopDeadline(new Promise(() => {}), { ...r, stage: () => stage, deadlineMs: 50 });
  stage = 'closing the store';
  // Something that keeps the loop alive, as a hung stop would have.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    await expect.poll(() => r.exits, { timeout: 2000 }).toEqual([1]);
  } finally {
    clearInterval(keepAlive);
  }
  expect(r.reports).toHaveLength(1);
  expect(r.reports[0]!.message).toMatch(/did not finish within 50 ms \(stuck closing the store\)/);
  expect(r.reports[0]!.fields.stage).toBe('closing the store');
  expect(r.reports[0]!.fields.activeResources).toContain('Timeout');
});

it('a stop that finishes (or fails) in time leaves nothing behind', async () => {
  vi.useFakeTimers();
  try {
    // Made one at a time: a rejected promise made ahead would be unhandled while the first runs.
    for (const make of [() => Promise.resolve(), () => Promise.reject(new Error('close failed'))]) {
      const settle = make();
      const r = recorder();
      settle.catch(() => {});
      enforceStopDeadline(settle, { ...r, stage: () => 'x', deadlineMs: 30 });
      await settle.catch(() => {});
      await vi.advanceTimersByTimeAsync(1000);
      expect(r.exits).toEqual([]);
      expect(r.reports).toEqual([]);
    }
  } finally {
    vi.useRealTimers();
  }
});
