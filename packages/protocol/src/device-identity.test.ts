import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url } from './base64url.ts';
import {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  createDeviceProof,
  deriveDeviceId,
  deviceIdentityFromSeed,
  exportDeviceIdentity,
  generateDeviceIdentity,
  importDeviceIdentity,
  normalizeDeviceMetadata,
  signDevicePayload,
  verifyDevicePayload,
} from './device-identity.ts';

// Produced once with the reference implementation's own payload builders and Ed25519 signer,
// for this fixed seed and these fields. Ed25519 is deterministic, so our output must be identical.
const vector = {
  seedHex: '030a11181f262d343b424950575e656c737a81888f969da4abb2b9c0c7ced5dc',
  publicKey: 'dVxMuSVsp83ErP3Gz-7ahJAX5bn5UU6ZGRvWfgsNQnY',
  deviceId: 'ba0a6041c97c6fae80adbc1c08629717d5939cf62cd42883a32fd5d6ef3b6450',
  v3: 'v3|ba0a6041c97c6fae80adbc1c08629717d5939cf62cd42883a32fd5d6ef3b6450|cli|cli|operator|operator.read,operator.write|1737264000000|gateway-token-123|nonce-abc-123|linux|desktop',
  v2: 'v2|ba0a6041c97c6fae80adbc1c08629717d5939cf62cd42883a32fd5d6ef3b6450|cli|cli|operator|operator.read,operator.write|1737264000000|gateway-token-123|nonce-abc-123',
  sig3: 'LVk4TsTAU1Y49plCcr4XVSwnmbUg9BJKGywaC9UwoRa-bpKoijDRz8phGmFgntyslZIfg8aAsYBDBqO35v5cCw',
  sig2: '1TPHJyScJOo0r7CMWRs4Cg7TIjrekTGw83W-gIgQ4CdHxIKMPzJNS_vCsXCcD5PM6ZMGWipmwRD12w6RtpXABA',
};
const fields = {
  deviceId: vector.deviceId,
  clientId: 'cli',
  clientMode: 'cli',
  role: 'operator',
  scopes: ['operator.read', 'operator.write'],
  signedAtMs: 1737264000000,
  token: 'gateway-token-123',
  nonce: 'nonce-abc-123',
  platform: ' Linux ',
  deviceFamily: 'Desktop',
};
const seed = Uint8Array.from(Buffer.from(vector.seedHex, 'hex'));

describe('device identity against the reference vectors', () => {
  it('derives the same device id from the same key', async () => {
    const id = await deviceIdentityFromSeed(seed, vector.publicKey);
    expect(id.deviceId).toBe(vector.deviceId);
    expect(await deriveDeviceId(vector.publicKey)).toBe(vector.deviceId);
  });

  it('builds the same v3 and v2 payloads (platform and family trimmed and lowercased)', () => {
    expect(buildDeviceAuthPayloadV3(fields)).toBe(vector.v3);
    expect(buildDeviceAuthPayloadV2(fields)).toBe(vector.v2);
    expect(normalizeDeviceMetadata(' MacOS ')).toBe('macos');
    expect(normalizeDeviceMetadata(undefined)).toBe('');
  });

  it('signs exactly as the reference does', async () => {
    const id = await deviceIdentityFromSeed(seed, vector.publicKey);
    expect(await signDevicePayload(id.privateKey, vector.v3)).toBe(vector.sig3);
    expect(await signDevicePayload(id.privateKey, vector.v2)).toBe(vector.sig2);
  });

  it('verifies the reference signatures and rejects tampering', async () => {
    expect(await verifyDevicePayload(vector.publicKey, vector.v3, vector.sig3)).toBe(true);
    expect(await verifyDevicePayload(vector.publicKey, vector.v2, vector.sig2)).toBe(true);
    expect(await verifyDevicePayload(vector.publicKey, `${vector.v3}x`, vector.sig3)).toBe(false);
    expect(await verifyDevicePayload(vector.publicKey, vector.v3, vector.sig2)).toBe(false);
    const other = await generateDeviceIdentity();
    expect(await verifyDevicePayload(other.publicKey, vector.v3, vector.sig3)).toBe(false);
    expect(await verifyDevicePayload('short', vector.v3, vector.sig3)).toBe(false);
  });

  it('produces signatures node:crypto accepts (the other direction)', async () => {
    const id = await generateDeviceIdentity();
    const sig = await signDevicePayload(id.privateKey, vector.v3);
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: id.publicKey }, format: 'jwk' });
    expect(verify(null, Buffer.from(vector.v3), key, Buffer.from(fromBase64Url(sig)!))).toBe(true);
  });
});

describe('device identity lifecycle', () => {
  it('exports and imports a key pair that keeps signing the same way', async () => {
    const id = await generateDeviceIdentity();
    expect(id.deviceId).toMatch(/^[0-9a-f]{64}$/);
    expect(fromBase64Url(id.publicKey)).toHaveLength(32);
    const stored = await exportDeviceIdentity(id, 42);
    const again = await importDeviceIdentity(stored);
    expect(again.deviceId).toBe(id.deviceId);
    const sig = await signDevicePayload(again.privateKey, 'hello');
    expect(await verifyDevicePayload(id.publicKey, 'hello', sig)).toBe(true);
  });

  it('refuses a stored identity whose id does not match its key', async () => {
    const id = await generateDeviceIdentity();
    const stored = await exportDeviceIdentity(id);
    await expect(importDeviceIdentity({ ...stored, deviceId: 'f'.repeat(64) })).rejects.toThrow(
      /does not match/,
    );
  });

  it('signs a challenge into a connect proof the gateway can check', async () => {
    const id = await generateDeviceIdentity();
    const client = { id: 'cli', mode: 'cli' as const, platform: 'Linux', deviceFamily: 'Desktop' };
    const proof = await createDeviceProof({
      identity: id,
      challenge: { nonce: 'n1', ts: 1000 },
      client,
      role: 'operator',
      scopes: ['operator.read'],
      token: 't',
    });
    expect(proof).toMatchObject({ id: id.deviceId, publicKey: id.publicKey, signedAt: 1000, nonce: 'n1' });
    const payload = buildDeviceAuthPayloadV3({
      deviceId: id.deviceId,
      clientId: 'cli',
      clientMode: 'cli',
      role: 'operator',
      scopes: ['operator.read'],
      signedAtMs: 1000,
      token: 't',
      nonce: 'n1',
      platform: 'Linux',
      deviceFamily: 'Desktop',
    });
    expect(await verifyDevicePayload(id.publicKey, payload, proof.signature)).toBe(true);
  });
});
