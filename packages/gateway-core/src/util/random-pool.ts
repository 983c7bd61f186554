import { randomBytes, randomFillSync } from 'node:crypto';

const POOL_BYTES = 4096;
/** Larger requests are served directly: the pool is for the many small ids of the connect path. */
const MAX_FROM_POOL = 64;

const pool = Buffer.alloc(POOL_BYTES);
let offset = POOL_BYTES;

/**
 * `bytes` bytes from node:crypto's CSPRNG as base64url. Small requests are cut from a pool filled
 * 4 KB at a time: each `randomBytes` call has a fixed cost (about 5 µs here) that dominated the
 * two per connect (connection id, challenge nonce). Every byte is handed out once and zeroed
 * once used, so nothing handed out stays behind in the pool.
 */
export function randomBase64url(bytes: number): string {
  if (bytes > MAX_FROM_POOL) return randomBytes(bytes).toString('base64url');
  if (offset + bytes > POOL_BYTES) {
    randomFillSync(pool);
    offset = 0;
  }
  const end = offset + bytes;
  const text = pool.toString('base64url', offset, end);
  pool.fill(0, offset, end);
  offset = end;
  return text;
}
