import { describe, expect, it } from 'vitest';
import { randomBase64url } from './random-pool.ts';

describe('randomBase64url', () => {
  it('gives base64url text of the asked length, never the same twice, across pool refills', () => {
    const seen = new Set<string>();
    // 3,000 × 18 bytes is 13 refills of the 4 KB pool, with requests straddling its end.
    for (let i = 0; i < 3000; i++) {
      const text = randomBase64url(18);
      expect(text).toMatch(/^[A-Za-z0-9_-]{24}$/);
      seen.add(text);
    }
    expect(seen.size).toBe(3000);
    expect(Buffer.from(randomBase64url(9), 'base64url')).toHaveLength(9);
    expect(Buffer.from(randomBase64url(32), 'base64url')).toHaveLength(32);
    // Beyond the pool's share: served directly.
    expect(Buffer.from(randomBase64url(100), 'base64url')).toHaveLength(100);
  });

  it('is not stuck on zeroed bytes: the bytes of a long run are spread over all values', () => {
    const counts = new Array<number>(256).fill(0);
    for (let i = 0; i < 2000; i++)
      for (const b of Buffer.from(randomBase64url(32), 'base64url')) counts[b]!++;
    // 64,000 bytes: about 250 of each value; a pool handing out zeroed bytes would pile up at 0.
    expect(Math.max(...counts)).toBeLessThan(400);
    expect(Math.min(...counts)).toBeGreaterThan(130);
  });
});
