import { describe, expect, it } from 'vitest';
import { DiagnosticRecorder } from './diagnostic-recorder.ts';

describe('DiagnosticRecorder', () => {
  it('keeps the newest records up to its capacity and counts the dropped ones', () => {
    let now = 1000;
    const r = new DiagnosticRecorder({ now: () => now++ }, 3);
    for (let i = 0; i < 5; i++) r.record({ type: 'message.received', channel: `c${i}` });
    const s = r.snapshot({ limit: 10 });
    expect(s).toMatchObject({ capacity: 3, count: 3, dropped: 2, firstSeq: 3, lastSeq: 5 });
    expect(s.events.map((e) => [e.seq, e.ts, e.channel])).toEqual([
      [3, 1002, 'c2'],
      [4, 1003, 'c3'],
      [5, 1004, 'c4'],
    ]);
  });

  it('filters by type and sinceSeq before the limit, and summarises only what matched', () => {
    const r = new DiagnosticRecorder({ now: () => 0 });
    const mem = (rss: number) => ({
      rssBytes: rss,
      heapUsedBytes: rss / 2,
      heapTotalBytes: rss,
      externalBytes: 0,
      arrayBuffersBytes: 0,
    });
    r.record({ type: 'diagnostic.memory.sample', memory: mem(300) });
    r.record({ type: 'message.received', channel: 'telegram' });
    r.record({ type: 'diagnostic.memory.sample', memory: mem(200) });
    r.record({ type: 'message.received', channel: 'telegram' });
    const mems = r.snapshot({ type: 'diagnostic.memory.sample', limit: 1 });
    expect(mems.count).toBe(2);
    expect(mems.events.map((e) => e.seq)).toEqual([3]);
    expect(mems.summary).toEqual({
      byType: { 'diagnostic.memory.sample': 2 },
      memory: { latest: mem(200), maxRssBytes: 300, maxHeapUsedBytes: 150, pressureCount: 0 },
    });
    const later = r.snapshot({ sinceSeq: 2 });
    expect(later.events.map((e) => e.seq)).toEqual([3, 4]);
    expect(r.snapshot({ type: 'telemetry.exporter' })).toMatchObject({
      count: 0,
      events: [],
      summary: { byType: {} },
    });
    expect(r.snapshot({ type: 'telemetry.exporter' }).firstSeq).toBeUndefined();
  });
});
