import { describe, expect, it } from 'vitest';
import { usageRange } from './usage-range.ts';

const at = (iso: string) => Date.parse(iso);

describe('usage report ranges: calendar days in UTC, a fixed offset or an IANA zone', () => {
  it('the last N days end today, in UTC by default', () => {
    const r = usageRange({ days: 2 }, at('2026-12-05T08:00:00Z'));
    expect(r).toMatchObject({
      startMs: at('2026-12-04T00:00:00Z'),
      endMs: at('2026-12-06T00:00:00Z') - 1,
      days: 2,
    });
    expect(r.dayOf(at('2026-12-04T23:59:59Z'))).toBe('2026-12-04');
    // Without days: 30.
    expect(usageRange({}, at('2026-12-05T08:00:00Z')).days).toBe(30);
  });

  it('a fixed offset moves the day boundaries (UTC+5:30 starts the day at 18:30 UTC)', () => {
    const r = usageRange({ mode: 'specific', utcOffset: 'UTC+5:30', days: 1 }, at('2026-12-05T20:00:00Z'));
    // 20:00 UTC is already 6 December there.
    expect(r.startMs).toBe(at('2026-12-05T18:30:00Z'));
    expect(r.endMs).toBe(at('2026-12-06T18:30:00Z') - 1);
    expect(r.dayOf(at('2026-12-05T18:29:00Z'))).toBe('2026-12-05');
    expect(r.dayOf(at('2026-12-05T18:30:00Z'))).toBe('2026-12-06');
  });

  it('an IANA zone follows daylight saving: the day clocks go forward has 23 hours', () => {
    const r = usageRange(
      { mode: 'specific', timeZone: 'America/New_York', startDate: '2026-03-08', endDate: '2026-03-08' },
      at('2026-12-05T08:00:00Z'),
    );
    expect(r.startMs).toBe(at('2026-03-08T05:00:00Z'));
    expect(r.endMs).toBe(at('2026-03-09T04:00:00Z') - 1);
    expect(r.days).toBe(1);
  });

  it('named ranges, and everything', () => {
    const now = at('2026-12-05T08:00:00Z');
    expect(usageRange({ range: '7d' }, now)).toMatchObject({ days: 7, startMs: at('2026-11-29T00:00:00Z') });
    expect(usageRange({ range: 'all' }, now)).toMatchObject({ startMs: 0, days: undefined });
  });

  it('refuses what it cannot read, as the reference does, with INVALID_REQUEST', () => {
    const now = at('2026-12-05T08:00:00Z');
    for (const p of [
      { startDate: '2026-01-02' },
      { startDate: '2026-02-02', endDate: '2026-01-01' },
      { startDate: '2026-02-30', endDate: '2026-03-01' },
      { mode: 'specific' as const, utcOffset: 'UTC+15' },
      { mode: 'specific' as const, timeZone: 'Mars/Olympus' },
    ])
      expect(() => usageRange(p, now), JSON.stringify(p)).toThrow(
        expect.objectContaining({ code: 'INVALID_REQUEST' }),
      );
    // An unknown zone with an offset falls back to the offset; a blank offset counts as absent.
    expect(usageRange({ mode: 'specific', timeZone: 'Mars/Olympus', utcOffset: 'UTC-3' }, now).startMs).toBe(
      at('2026-11-06T03:00:00Z'),
    );
    expect(usageRange({ mode: 'specific', utcOffset: '' }, now).startMs).toBe(at('2026-11-06T00:00:00Z'));
  });
});
