// The connect's device proof on its own: the signing-time window to the millisecond on both sides,
// the one-time nonce, and which signed token and payload version a proof may use.
import {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  type ConnectParams,
  type DeviceAuthFields,
  type DeviceIdentity,
  generateDeviceIdentity,
  signDevicePayload,
} from '@openclaw/protocol';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Connection } from '../connection/connection.ts';
import { checkDeviceProof } from './device-proof.ts';
import { DeviceVerifier } from './device-verifier.ts';

const NOW = 1_800_000_000_000;
const SKEW = 120_000;
const client = { id: 'cli-x', version: '1.0.0', platform: 'Linux', deviceFamily: 'Desktop', mode: 'ui' };

let identity: DeviceIdentity;
beforeAll(async () => {
  identity = await generateDeviceIdentity();
});

/** Only the nonce state of a socket is read by the check. */
function socket(nonce = 'nonce-1'): Connection {
  return { nonce, nonceUsed: false } as unknown as Connection;
}

/** A connect whose device proof signs `over` (v3 unless `v2`), with these auth fields. */
async function connect(o: {
  signedAt?: number;
  nonce?: string;
  auth?: ConnectParams['auth'];
  scopes?: string[] | undefined;
  signed?: Partial<DeviceAuthFields>;
  v2?: boolean;
}): Promise<ConnectParams> {
  const signedAt = o.signedAt ?? NOW;
  const nonce = o.nonce ?? 'nonce-1';
  const fields: DeviceAuthFields = {
    deviceId: identity.deviceId,
    clientId: client.id,
    clientMode: client.mode,
    role: 'operator',
    scopes: o.scopes ?? ['operator.read'],
    signedAtMs: signedAt,
    token: '',
    nonce,
    platform: client.platform,
    deviceFamily: client.deviceFamily,
    ...o.signed,
  };
  const payload = o.v2 ? buildDeviceAuthPayloadV2(fields) : buildDeviceAuthPayloadV3(fields);
  return {
    minProtocol: 4,
    maxProtocol: 4,
    client,
    role: 'operator',
    ...('scopes' in o && o.scopes === undefined ? {} : { scopes: o.scopes ?? ['operator.read'] }),
    ...(o.auth ? { auth: o.auth } : {}),
    device: {
      id: identity.deviceId,
      publicKey: identity.publicKey,
      signature: await signDevicePayload(identity.privateKey, payload),
      signedAt,
      nonce,
    },
  } as ConnectParams;
}

const verifier = new DeviceVerifier();
const check = (params: ConnectParams, conn = socket(), scopes = ['operator.read']) =>
  checkDeviceProof(verifier, conn, params, { role: 'operator', scopes, skewMs: SKEW, now: NOW })?.code;

describe('checkDeviceProof', () => {
  it('accepts a signing time up to the skew away on either side, to the millisecond', async () => {
    for (const signedAt of [NOW - SKEW, NOW + SKEW, NOW]) {
      expect(check(await connect({ signedAt }))).toBeUndefined();
    }
    for (const signedAt of [NOW - SKEW - 1, NOW + SKEW + 1]) {
      expect(check(await connect({ signedAt }))).toBe('DEVICE_AUTH_SIGNATURE_EXPIRED');
    }
  });

  it("uses the socket's nonce once: a second proof on the same socket is refused, right as it is", async () => {
    const conn = socket();
    const params = await connect({});
    expect(check(params, conn)).toBeUndefined();
    expect(conn.nonceUsed).toBe(true);
    expect(check(params, conn)).toBe('DEVICE_AUTH_NONCE_MISMATCH');
    // Another socket's nonce, signed correctly, is no proof for this one.
    expect(check(await connect({ nonce: 'nonce-2' }), socket('nonce-1'))).toBe('DEVICE_AUTH_NONCE_MISMATCH');
  });

  it('refuses a key that is not 32 bytes and an id that is not the hash of the key', async () => {
    const params = await connect({});
    const badKey = { ...params, device: { ...params.device!, publicKey: 'AAAA' } };
    expect(check(badKey)).toBe('DEVICE_AUTH_PUBLIC_KEY_INVALID');
    const other = await generateDeviceIdentity();
    const wrongId = { ...params, device: { ...params.device!, id: other.deviceId } };
    expect(check(wrongId)).toBe('DEVICE_AUTH_DEVICE_ID_MISMATCH');
  });

  it('takes a proof over whichever credential came with it, or none, and no other', async () => {
    const auth = { token: 'the-token', deviceToken: 'the-device-token', password: 'the-password' };
    for (const token of ['the-token', 'the-device-token', 'the-password', '']) {
      expect(check(await connect({ auth, signed: { token } }))).toBeUndefined();
    }
    expect(check(await connect({ auth: { token: 'the-token' }, signed: { token: 'another' } }))).toBe(
      'DEVICE_AUTH_SIGNATURE_INVALID',
    );
    // The device token signed, but only the shared token sent.
    expect(
      check(await connect({ auth: { token: 'the-token' }, signed: { token: 'the-device-token' } })),
    ).toBe('DEVICE_AUTH_SIGNATURE_INVALID');
  });

  it('takes the older v2 payload too, and refuses either one over other fields', async () => {
    expect(check(await connect({ v2: true }))).toBeUndefined();
    expect(
      check(await connect({ v2: true, auth: { password: 'p' }, signed: { token: 'p' } })),
    ).toBeUndefined();
    for (const signed of [
      { clientId: 'someone-else' },
      { clientMode: 'cli' },
      { role: 'node' },
      { scopes: ['operator.admin'] },
      { signedAtMs: NOW - 1 },
      { nonce: 'nonce-9' },
    ]) {
      expect(check(await connect({ signed }))).toBe('DEVICE_AUTH_SIGNATURE_INVALID');
      expect(check(await connect({ v2: true, signed }))).toBe('DEVICE_AUTH_SIGNATURE_INVALID');
    }
    // v3 signs the platform and device family (normalised); v2 does not.
    expect(check(await connect({ signed: { platform: 'darwin' } }))).toBe('DEVICE_AUTH_SIGNATURE_INVALID');
    expect(
      check(await connect({ signed: { platform: ' LINUX ', deviceFamily: 'desktop' } })),
    ).toBeUndefined();
  });

  it('checks the scopes as the client sent and signed them, or without any, the scopes it was granted', async () => {
    // The authenticator passes the scopes sorted and deduplicated; the client signed its own list.
    const unsorted = await connect({ scopes: ['operator.write', 'operator.read'] });
    expect(check(unsorted, socket(), ['operator.read', 'operator.write'])).toBeUndefined();
    const params = await connect({ scopes: undefined, signed: { scopes: ['operator.write'] } });
    expect(params.scopes).toBeUndefined();
    expect(check(params, socket(), ['operator.write'])).toBeUndefined();
    expect(check(await connect({ scopes: undefined, signed: { scopes: ['operator.write'] } }))).toBe(
      'DEVICE_AUTH_SIGNATURE_INVALID',
    );
  });
});
