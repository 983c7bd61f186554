import { generateKeyPairSync, sign } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { DeviceVerifier } from './device-verifier.ts';

/** A fresh Ed25519 device key: its base64url public key, raw bytes, and a signer. */
function deviceKey() {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const text = publicKey.export({ format: 'jwk' }).x ?? '';
  const raw = DeviceVerifier.decodePublicKey(text);
  if (!raw) throw new Error('not a 32-byte key');
  const signed = (payload: string) =>
    sign(null, Buffer.from(payload, 'utf8'), privateKey).toString('base64url');
  return { text, raw, signed };
}

describe('DeviceVerifier', () => {
  it('decodes a 32-byte base64url key only, and names a device by the sha256 of its key', () => {
    const { text, raw } = deviceKey();
    expect(raw).toHaveLength(32);
    expect(DeviceVerifier.decodePublicKey(Buffer.alloc(31, 1).toString('base64url'))).toBeUndefined();
    expect(DeviceVerifier.decodePublicKey(Buffer.alloc(33, 1).toString('base64url'))).toBeUndefined();
    expect(DeviceVerifier.decodePublicKey('not$base64')).toBeUndefined();
    expect(DeviceVerifier.decodePublicKey('')).toBeUndefined();
    expect(DeviceVerifier.deviceIdOf(Buffer.from(text, 'base64url'))).toMatch(/^[0-9a-f]{64}$/);
    expect(DeviceVerifier.deviceIdOf(Uint8Array.from([1, 2, 3]))).toBe(
      '039058c6f2c0cb492c533b0a4d14ef77cc0f78abccced5287d84a1a2011cfb81',
    );
  });

  it('accepts the signature of the payload and refuses another payload, another key, or a malformed signature', () => {
    const v = new DeviceVerifier();
    const a = deviceKey();
    const b = deviceKey();
    const sig = a.signed('connect|nonce-1|é');
    expect(v.verify(a.text, a.raw, 'connect|nonce-1|é', sig)).toBe(true);
    expect(v.verify(a.text, a.raw, 'connect|nonce-2|é', sig)).toBe(false);
    expect(v.verify(b.text, b.raw, 'connect|nonce-1|é', sig)).toBe(false);
    // Not base64url, one byte short, one byte long: refused before the key is looked at.
    expect(v.verify(a.text, a.raw, 'connect|nonce-1|é', 'not$base64')).toBe(false);
    const bytes = Buffer.from(sig, 'base64url');
    expect(v.verify(a.text, a.raw, 'connect|nonce-1|é', bytes.subarray(0, 63).toString('base64url'))).toBe(
      false,
    );
    expect(
      v.verify(
        a.text,
        a.raw,
        'connect|nonce-1|é',
        Buffer.concat([bytes, Buffer.alloc(1)]).toString('base64url'),
      ),
    ).toBe(false);
  });

  it('answers false, without throwing, for key bytes that are no Ed25519 key', () => {
    const v = new DeviceVerifier();
    const a = deviceKey();
    const sig = a.signed('p');
    expect(v.verify('short', Uint8Array.from([1, 2, 3]), 'p', sig)).toBe(false);
    expect(v.cachedKeys).toBe(0);
  });

  it('keeps at most its bound of parsed keys, dropping the oldest, and verifies with a dropped key again', () => {
    const v = new DeviceVerifier(2);
    const keys = [deviceKey(), deviceKey(), deviceKey()];
    const check = (k: (typeof keys)[number]) => v.verify(k.text, k.raw, 'p', k.signed('p'));
    expect(check(keys[0]!)).toBe(true);
    expect(check(keys[0]!)).toBe(true);
    expect(v.cachedKeys).toBe(1);
    expect(check(keys[1]!)).toBe(true);
    expect(v.cachedKeys).toBe(2);
    expect(check(keys[2]!)).toBe(true);
    expect(v.cachedKeys).toBe(2);
    expect(check(keys[0]!)).toBe(true);
    expect(v.cachedKeys).toBe(2);
  });

  it('is bounded at 10 000 keys by default', () => {
    const v = new DeviceVerifier();
    const k = deviceKey();
    const sig = k.signed('p');
    // Labels are the cache's keys; the same key bytes under 10 001 labels fill it past the bound.
    for (let i = 0; i <= 10_000; i++) v.verify(`label-${i}`, k.raw, 'p', sig);
    expect(v.cachedKeys).toBe(10_000);
  });
});
