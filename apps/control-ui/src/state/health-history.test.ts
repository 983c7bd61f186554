import type { HealthSummary } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { bytes, HealthHistory, sparkline } from './health-history.ts';

const summary = (ts: number, p99: number, rss?: number): HealthSummary => ({
  ok: true,
  ts,
  durationMs: 0,
  eventLoop: {
    degraded: false,
    reasons: [],
    intervalMs: 1000,
    delayP99Ms: p99,
    delayMaxMs: p99,
    utilization: 0.1,
    cpuCoreRatio: 0.1,
  },
  channels: {},
  channelOrder: [],
  channelLabels: {},
  heartbeatSeconds: 0,
  ...(rss === undefined ? {} : { memory: { rssBytes: rss, heapUsedBytes: rss / 2, heapTotalBytes: rss } }),
});

describe('health history', () => {
  it('keeps one sample per summary, newest last, up to its capacity', () => {
    const h = new HealthHistory(3);
    expect(h.add(summary(1, 5, 100))).toBe(true);
    // The same summary pushed as an event and read by a poll counts once; an older one not at all.
    expect(h.add(summary(1, 5, 100))).toBe(false);
    expect(h.add(summary(0, 9))).toBe(false);
    for (const t of [2, 3, 4]) h.add(summary(t, t * 10));
    expect(h.samples.map((s) => s.ts)).toEqual([2, 3, 4]);
    expect(h.samples[2]).toEqual({
      ts: 4,
      loopP99Ms: 40,
      utilization: 0.1,
      rssBytes: undefined,
      heapUsedBytes: undefined,
    });
  });

  it('draws values into the box: lowest at the bottom, highest at the top, evenly across', () => {
    const line = sparkline([1, 3, 2], 100, 20, 0);
    expect(line.points).toBe('0,20 50,0 100,10');
    expect(line).toMatchObject({ min: 1, max: 3, last: 2 });
    // Flat: a line through the middle. Too few values: nothing to draw yet.
    expect(sparkline([4, 4], 10, 10, 1).points).toBe('1,5 9,5');
    expect(sparkline([7], 10, 10).points).toBe('');
    expect(sparkline([], 10, 10)).toEqual({ points: '', min: 0, max: 0, last: undefined });
    expect(sparkline([1, Number.NaN, 2], 10, 10, 0).points).toBe('0,10 10,0');
  });

  it('prints byte counts for people', () => {
    expect(bytes(undefined)).toBe('…');
    expect(bytes(512)).toBe('512 B');
    expect(bytes(84_200_000)).toBe('84.2 MB');
    expect(bytes(321_600_000)).toBe('322 MB');
    expect(bytes(1_300_000_000)).toBe('1.3 GB');
  });
});
