import { createHash, createPublicKey, type KeyObject, verify } from 'node:crypto';
import { fromBase64Url } from '@openclaw/protocol';

/**
 * Ed25519 verification with node:crypto (synchronous and several times faster than WebCrypto
 * here). Public keys are parsed once and cached, because the same devices reconnect all day.
 */
export class DeviceVerifier {
  #keys = new Map<string, KeyObject>();
  readonly #maxKeys: number;

  constructor(maxKeys = 10_000) {
    this.#maxKeys = maxKeys;
  }

  /** How many parsed keys are kept now (at most the bound given to the constructor). */
  get cachedKeys(): number {
    return this.#keys.size;
  }

  /** The raw key bytes, or undefined when the text is not a 32-byte base64url key. */
  static decodePublicKey(publicKey: string): Uint8Array | undefined {
    const raw = fromBase64Url(publicKey);
    return raw && raw.length === 32 ? raw : undefined;
  }

  static deviceIdOf(raw: Uint8Array): string {
    return createHash('sha256').update(raw).digest('hex');
  }

  #key(publicKey: string, raw: Uint8Array): KeyObject {
    let key = this.#keys.get(publicKey);
    if (!key) {
      key = createPublicKey({
        key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(raw).toString('base64url') },
        format: 'jwk',
      });
      if (this.#keys.size >= this.#maxKeys) {
        const oldest = this.#keys.keys().next().value;
        if (oldest !== undefined) this.#keys.delete(oldest);
      }
      this.#keys.set(publicKey, key);
    }
    return key;
  }

  verify(publicKey: string, raw: Uint8Array, payload: string, signature: string): boolean {
    const sig = fromBase64Url(signature);
    if (sig?.length !== 64) return false;
    try {
      return verify(null, Buffer.from(payload, 'utf8'), this.#key(publicKey, raw), sig);
    } catch {
      return false;
    }
  }
}
