import { createHash, timingSafeEqual } from 'node:crypto';
import { randomBase64url } from '../util/random-pool.ts';

/** A new high-entropy secret (device tokens, generated gateway tokens): 32 random bytes, base64url. */
export function generateSecret(bytes = 32): string {
  return randomBase64url(bytes);
}

/** Hex SHA-256. Device tokens are random 256-bit values, so a plain hash is enough at rest. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * Constant-time equality for secrets of any length: both sides are hashed first so the
 * comparison length never depends on the input.
 */
export function secretsEqual(given: string | undefined, expected: string | undefined): boolean {
  if (typeof given !== 'string' || typeof expected !== 'string' || expected.length === 0) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}
