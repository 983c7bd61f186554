import { fromBase64Url, toBase64Url, toHex } from './base64url.ts';
import type { ClientInfo, ConnectChallenge, DeviceProof } from './schema/connect.ts';

/** A device key pair, ready to sign connect challenges. */
export interface DeviceIdentity {
  /** Lowercase hex SHA-256 of the raw 32-byte public key. */
  readonly deviceId: string;
  /** Raw 32-byte Ed25519 public key, base64url. */
  readonly publicKey: string;
  readonly privateKey: CryptoKey;
}

/** A device identity as stored on disk (0600) or in IndexedDB. */
export interface StoredDeviceIdentity {
  version: 1;
  deviceId: string;
  publicKey: string;
  /** PKCS#8 private key, base64url. */
  privateKeyPkcs8: string;
  createdAtMs: number;
}

const ED25519 = { name: 'Ed25519' } as const;
// PKCS#8 wrapping of a raw Ed25519 seed: a fixed 16-byte prefix, then the 32 bytes.
const PKCS8_ED25519_PREFIX = new Uint8Array([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

const textEncoder = new TextEncoder();

function subtle(): SubtleCrypto {
  const c = globalThis.crypto;
  if (!c?.subtle) {
    throw new Error(
      'WebCrypto is unavailable here. Browsers only offer it on secure origins: use https:// or http://127.0.0.1 / http://localhost (an SSH tunnel works).',
    );
  }
  return c.subtle;
}

/** Device id for a raw public key (base64url): hex SHA-256 of the 32 raw bytes. */
export async function deriveDeviceId(publicKey: string): Promise<string> {
  const raw = fromBase64Url(publicKey);
  if (raw?.length !== 32) throw new Error('device public key must be 32 raw bytes in base64url');
  const digest = await subtle().digest('SHA-256', raw as Uint8Array<ArrayBuffer>);
  return toHex(new Uint8Array(digest));
}

/** A fresh Ed25519 identity. Pass `extractable: false` in browsers that keep the CryptoKey itself. */
export async function generateDeviceIdentity(
  options: { extractable?: boolean } = {},
): Promise<DeviceIdentity> {
  const pair = (await subtle().generateKey(ED25519, options.extractable ?? true, [
    'sign',
    'verify',
  ])) as CryptoKeyPair;
  const raw = new Uint8Array(await subtle().exportKey('raw', pair.publicKey));
  const publicKey = toBase64Url(raw);
  return { deviceId: await deriveDeviceId(publicKey), publicKey, privateKey: pair.privateKey };
}

export async function exportDeviceIdentity(
  identity: DeviceIdentity,
  createdAtMs = Date.now(),
): Promise<StoredDeviceIdentity> {
  const pkcs8 = new Uint8Array(await subtle().exportKey('pkcs8', identity.privateKey));
  return {
    version: 1,
    deviceId: identity.deviceId,
    publicKey: identity.publicKey,
    privateKeyPkcs8: toBase64Url(pkcs8),
    createdAtMs,
  };
}

export async function importDeviceIdentity(stored: StoredDeviceIdentity): Promise<DeviceIdentity> {
  const pkcs8 = fromBase64Url(stored.privateKeyPkcs8);
  if (!pkcs8) throw new Error('stored device identity: private key is not base64url');
  const privateKey = await subtle().importKey('pkcs8', pkcs8 as Uint8Array<ArrayBuffer>, ED25519, true, [
    'sign',
  ]);
  const deviceId = await deriveDeviceId(stored.publicKey);
  if (deviceId !== stored.deviceId)
    throw new Error('stored device identity: device id does not match its key');
  return { deviceId, publicKey: stored.publicKey, privateKey };
}

/** Build an identity from a fixed 32-byte seed (test vectors, deterministic fixtures). */
export async function deviceIdentityFromSeed(seed: Uint8Array, publicKey: string): Promise<DeviceIdentity> {
  if (seed.length !== 32) throw new Error('Ed25519 seed must be 32 bytes');
  const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
  pkcs8.set(PKCS8_ED25519_PREFIX, 0);
  pkcs8.set(seed, PKCS8_ED25519_PREFIX.length);
  return importDeviceIdentity({
    version: 1,
    deviceId: await deriveDeviceId(publicKey),
    publicKey,
    privateKeyPkcs8: toBase64Url(pkcs8),
    createdAtMs: 0,
  });
}

/** Trim and ASCII-lowercase platform / deviceFamily before they are signed. */
export function normalizeDeviceMetadata(value: string | undefined): string {
  if (typeof value !== 'string') return '';
  return value.trim().replace(/[A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 32));
}

export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  /** The secret or device token sent in `auth` (empty when none). */
  token?: string | undefined;
  nonce: string;
  platform?: string | undefined;
  deviceFamily?: string | undefined;
}

/** The v3 payload: `v3|deviceId|clientId|clientMode|role|scopes|signedAtMs|token|nonce|platform|deviceFamily`. */
export function buildDeviceAuthPayloadV3(f: DeviceAuthFields): string {
  return [
    'v3',
    f.deviceId,
    f.clientId,
    f.clientMode,
    f.role,
    f.scopes.join(','),
    String(f.signedAtMs),
    f.token ?? '',
    f.nonce,
    normalizeDeviceMetadata(f.platform),
    normalizeDeviceMetadata(f.deviceFamily),
  ].join('|');
}

/** The v2 payload (older clients): v3 without platform and deviceFamily. */
export function buildDeviceAuthPayloadV2(f: DeviceAuthFields): string {
  return [
    'v2',
    f.deviceId,
    f.clientId,
    f.clientMode,
    f.role,
    f.scopes.join(','),
    String(f.signedAtMs),
    f.token ?? '',
    f.nonce,
  ].join('|');
}

export async function signDevicePayload(privateKey: CryptoKey, payload: string): Promise<string> {
  const sig = await subtle().sign(ED25519, privateKey, textEncoder.encode(payload));
  return toBase64Url(new Uint8Array(sig));
}

/** Verify a base64url signature over a payload with a raw base64url public key. */
export async function verifyDevicePayload(
  publicKey: string,
  payload: string,
  signature: string,
): Promise<boolean> {
  const raw = fromBase64Url(publicKey);
  const sig = fromBase64Url(signature);
  if (raw?.length !== 32 || !sig || sig.length !== 64) return false;
  try {
    const key = await subtle().importKey('raw', raw as Uint8Array<ArrayBuffer>, ED25519, false, ['verify']);
    return await subtle().verify(ED25519, key, sig as Uint8Array<ArrayBuffer>, textEncoder.encode(payload));
  } catch {
    return false;
  }
}

/** Sign a connect challenge: the `device` field of connect params (v3 payload). */
export async function createDeviceProof(input: {
  identity: DeviceIdentity;
  challenge: ConnectChallenge;
  client: Pick<ClientInfo, 'id' | 'mode' | 'platform' | 'deviceFamily'>;
  role: string;
  scopes: readonly string[];
  token?: string | undefined;
}): Promise<DeviceProof> {
  const payload = buildDeviceAuthPayloadV3({
    deviceId: input.identity.deviceId,
    clientId: input.client.id,
    clientMode: input.client.mode,
    role: input.role,
    scopes: input.scopes,
    signedAtMs: input.challenge.ts,
    token: input.token,
    nonce: input.challenge.nonce,
    platform: input.client.platform,
    deviceFamily: input.client.deviceFamily,
  });
  return {
    id: input.identity.deviceId,
    publicKey: input.identity.publicKey,
    signature: await signDevicePayload(input.identity.privateKey, payload),
    signedAt: input.challenge.ts,
    nonce: input.challenge.nonce,
  };
}
