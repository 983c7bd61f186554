import {
  buildDeviceAuthPayloadV2,
  buildDeviceAuthPayloadV3,
  type ConnectParams,
  type DetailCode,
} from '@openclaw/protocol';
import type { Connection } from '../connection/connection.ts';
import { DeviceVerifier } from './device-verifier.ts';

/**
 * Check a connect's device proof: the key's form, that the id is the key's hash, this socket's
 * one-time nonce, the signing time within `skewMs`, and the signature over the v3 (or v2)
 * payload. Consumes the nonce. Returns why it fails, or undefined when it holds.
 */
export function checkDeviceProof(
  verifier: DeviceVerifier,
  conn: Connection,
  params: ConnectParams,
  o: { role: string; scopes: string[]; skewMs: number; now: number },
): { code: DetailCode; message: string } | undefined {
  const device = params.device!;
  const raw = DeviceVerifier.decodePublicKey(device.publicKey);
  if (!raw) return { code: 'DEVICE_AUTH_PUBLIC_KEY_INVALID', message: 'device public key invalid' };
  if (DeviceVerifier.deviceIdOf(raw) !== device.id) {
    return { code: 'DEVICE_AUTH_DEVICE_ID_MISMATCH', message: 'device identity mismatch' };
  }
  if (conn.nonceUsed || device.nonce !== conn.nonce) {
    return { code: 'DEVICE_AUTH_NONCE_MISMATCH', message: 'device nonce mismatch' };
  }
  conn.nonceUsed = true;
  if (Math.abs(o.now - device.signedAt) > o.skewMs) {
    return { code: 'DEVICE_AUTH_SIGNATURE_EXPIRED', message: 'device signature expired' };
  }
  const auth = params.auth ?? {};
  // The signed token field is whichever credential the client sent; try each, v3 then v2.
  const tokens = [
    ...new Set([auth.token, auth.deviceToken, auth.password, ''].filter((t): t is string => t !== undefined)),
  ];
  const fields = {
    deviceId: device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: o.role,
    scopes: params.scopes ?? o.scopes,
    signedAtMs: device.signedAt,
    nonce: device.nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  };
  for (const token of tokens) {
    const f = { ...fields, token };
    if (verifier.verify(device.publicKey, raw, buildDeviceAuthPayloadV3(f), device.signature))
      return undefined;
    if (verifier.verify(device.publicKey, raw, buildDeviceAuthPayloadV2(f), device.signature))
      return undefined;
  }
  return { code: 'DEVICE_AUTH_SIGNATURE_INVALID', message: 'device signature invalid' };
}
