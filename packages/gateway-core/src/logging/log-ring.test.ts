import { describe, expect, it } from 'vitest';
import { LogRing } from './log-ring.ts';

describe('LogRing', () => {
  it('returns the newest lines without a cursor and continues after a cursor', () => {
    const ring = new LogRing(5);
    for (let i = 1; i <= 3; i++) ring.push(`l${i}\n`);
    const first = ring.read({ limit: 10, maxBytes: 1000 });
    expect(first.lines).toEqual(['l1', 'l2', 'l3']);
    ring.push('l4');
    const next = ring.read({ cursor: first.cursor, limit: 10, maxBytes: 1000 });
    expect(next.lines).toEqual(['l4']);
    expect(next.reset).toBe(false);
  });

  it('reports a reset when the cursor fell out of the ring, and truncation by limit and bytes', () => {
    const ring = new LogRing(3);
    for (let i = 1; i <= 10; i++) ring.push(`line-${i}`);
    const r = ring.read({ cursor: 2, limit: 10, maxBytes: 1000 });
    expect(r.reset).toBe(true);
    expect(r.lines).toEqual(['line-8', 'line-9', 'line-10']);
    const limited = ring.read({ cursor: 8, limit: 1, maxBytes: 1000 });
    expect(limited.lines).toEqual(['line-9']);
    expect(limited.truncated).toBe(true);
    const bytes = ring.read({ cursor: 8, limit: 10, maxBytes: 7 });
    expect(bytes.lines).toEqual(['line-9']);
    expect(bytes.truncated).toBe(true);
  });
});
