import { describe, expect, it } from 'vitest';
import { withinActiveHours } from './active-hours.ts';

const at = (iso: string) => Date.parse(iso);

describe('withinActiveHours', () => {
  it('start inclusive, end exclusive, in the given time zone', () => {
    const h = { start: '09:00', end: '22:00', timezone: 'America/New_York' };
    // 13:00 UTC in January is 08:00 in New York: before the window.
    expect(withinActiveHours(h, at('2026-01-15T13:59:00Z'))).toBe(false);
    expect(withinActiveHours(h, at('2026-01-15T14:00:00Z'))).toBe(true);
    expect(withinActiveHours(h, at('2026-01-16T02:59:00Z'))).toBe(true);
    expect(withinActiveHours(h, at('2026-01-16T03:00:00Z'))).toBe(false);
  });

  it('a window over midnight, a whole day (24:00) and an empty one (start = end)', () => {
    const night = { start: '22:00', end: '06:00', timezone: 'UTC' };
    expect(withinActiveHours(night, at('2026-01-15T23:30:00Z'))).toBe(true);
    expect(withinActiveHours(night, at('2026-01-15T05:59:00Z'))).toBe(true);
    expect(withinActiveHours(night, at('2026-01-15T12:00:00Z'))).toBe(false);
    expect(
      withinActiveHours({ start: '00:00', end: '24:00', timezone: 'UTC' }, at('2026-01-15T23:59:00Z')),
    ).toBe(true);
    expect(
      withinActiveHours({ start: '08:00', end: '08:00', timezone: 'UTC' }, at('2026-01-15T08:00:00Z')),
    ).toBe(false);
    expect(withinActiveHours(undefined, 0)).toBe(true);
  });
});
