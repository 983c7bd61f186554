import { describe, expect, it } from 'vitest';
import { count } from './plural.ts';
import { duration, localClock, localDate, relativeTime } from './time.ts';

const now = Date.UTC(2026, 4, 10, 12, 0, 0);

describe('relativeTime', () => {
  it('says how long ago, in words and units a person reads', () => {
    expect(relativeTime(now - 2000, now)).toBe('just now');
    expect(relativeTime(now - 42_000, now)).toBe('42 s ago');
    expect(relativeTime(now - 3 * 60_000 - 59_000, now)).toBe('3 min ago');
    expect(relativeTime(now - 2 * 3600_000, now)).toBe('2 h ago');
    expect(relativeTime(now - 5 * 86400_000, now)).toBe('5 d ago');
  });
  it('and how long until', () => {
    expect(relativeTime(now + 2 * 3600_000 + 10, now)).toBe('in 2 h');
    expect(relativeTime(now + 90_000, now)).toBe('in 1 min');
  });
  it('gives the local date past a month, and a dash when unknown', () => {
    const long = now - 45 * 86400_000;
    expect(relativeTime(long, now)).toBe(`on ${localDate(long)}`);
    expect(relativeTime(undefined, now)).toBe('-');
    expect(relativeTime(null, now)).toBe('-');
  });
});

describe('duration', () => {
  it('uses at most two units', () => {
    expect(duration(850)).toBe('850 ms');
    expect(duration(12_400)).toBe('12 s');
    expect(duration(184_000)).toBe('3 min 4 s');
    expect(duration(180_000)).toBe('3 min');
    expect(duration(2 * 3600_000 + 5 * 60_000 + 7000)).toBe('2 h 5 min');
    expect(duration(3 * 86400_000 + 4 * 3600_000)).toBe('3 d 4 h');
  });
});

describe('local time and counts', () => {
  it('formats the local clock and date', () => {
    const d = new Date(2026, 0, 2, 3, 4, 5).getTime();
    expect(localClock(d)).toBe('03:04:05');
    expect(localDate(d)).toBe('2026-01-02');
  });
  it('counts in the right number', () => {
    expect(count(1, 'operator')).toBe('1 operator');
    expect(count(0, 'node')).toBe('0 nodes');
    expect(count(2, 'entry', 'entries')).toBe('2 entries');
  });
});
