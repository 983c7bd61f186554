import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url, toHex } from './base64url.ts';

describe('base64url', () => {
  it('round-trips any bytes and matches Node', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const text = toBase64Url(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64url'));
        expect(fromBase64Url(text)).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('accepts standard and padded base64 and rejects other characters', () => {
    expect(fromBase64Url('+/8=')).toEqual(Uint8Array.from([0xfb, 0xff]));
    expect(fromBase64Url('a$b')).toBeUndefined();
    expect(fromBase64Url('a')).toBeUndefined();
    expect(toHex(Uint8Array.from([0, 255, 16]))).toBe('00ff10');
  });
});
