import { describe, expect, it } from 'vitest';
import { generateSecret, hashToken, secretsEqual } from './secrets.ts';

describe('secrets', () => {
  it('compares secrets of any length without throwing', () => {
    expect(secretsEqual('abc', 'abc')).toBe(true);
    expect(secretsEqual('abc', 'abcd')).toBe(false);
    expect(secretsEqual(undefined, 'abc')).toBe(false);
    // No secret configured (a password in token mode): a refusal, not a crash.
    expect(secretsEqual('abc', undefined)).toBe(false);
    expect(secretsEqual('', '')).toBe(false);
  });

  it('generates distinct url-safe secrets and stable hashes', () => {
    const a = generateSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(generateSecret()).not.toBe(a);
    expect(hashToken(a)).toBe(hashToken(a));
    expect(hashToken(a)).toMatch(/^[0-9a-f]{64}$/);
  });
});
