import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';

// The server half of WhatsApp Web's transport: Noise_XX_25519_AESGCM_SHA256 over 3-byte
// length-prefixed frames (the client's side is Baileys' lib/Utils/noise-handler.js).

/** The client's one-time prologue: "WA", protocol 6, dictionary version 2. */
export const NOISE_WA_HEADER = Buffer.from([87, 65, 6, 2]);
/** Exactly 32 bytes, so it is the initial hash as is (no SHA-256 of it). */
const NOISE_MODE = Buffer.from('Noise_XX_25519_AESGCM_SHA256\0\0\0\0');

const sha256 = (data: Uint8Array): Buffer => createHash('sha256').update(data).digest();

function hkdf64(ikm: Uint8Array, salt: Uint8Array): [Buffer, Buffer] {
  const out = Buffer.from(hkdfSync('sha256', ikm, salt, Buffer.alloc(0), 64));
  return [out.subarray(0, 32), out.subarray(32)];
}

/** GCM nonce: 8 zero bytes then the 32-bit big-endian counter. */
function iv(counter: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32BE(counter, 8);
  return b;
}

/** An X25519 key pair as raw 32-byte halves (what goes on the wire). */
export interface RawKeyPair {
  publicKey: Buffer;
  privateKey: KeyObject;
}

export function x25519KeyPair(): RawKeyPair {
  const { publicKey, privateKey } = generateKeyPairSync('x25519');
  const jwk = publicKey.export({ format: 'jwk' });
  return { publicKey: Buffer.from(jwk.x ?? '', 'base64url'), privateKey };
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({
    key: { kty: 'OKP', crv: 'X25519', x: Buffer.from(raw).toString('base64url') },
    format: 'jwk',
  });
}

export function x25519(privateKey: KeyObject, peerPublic: Uint8Array): Buffer {
  return diffieHellman({ privateKey, publicKey: publicKeyObject(peerPublic) });
}

/**
 * Symmetric state of the handshake and, after finish(), the transport ciphers. During the
 * handshake one key and counter serve both directions and the running hash is the AAD; after it
 * each direction has its own key and counter and the AAD is empty.
 */
export class NoiseState {
  #hash: Buffer = NOISE_MODE;
  #salt: Buffer = NOISE_MODE;
  #key: Buffer = NOISE_MODE;
  #counter = 0;
  #finished = false;
  #sendKey: Buffer = Buffer.alloc(0);
  #recvKey: Buffer = Buffer.alloc(0);
  #sendCounter = 0;
  #recvCounter = 0;

  constructor() {
    this.authenticate(NOISE_WA_HEADER);
  }

  get finished(): boolean {
    return this.#finished;
  }

  authenticate(data: Uint8Array): void {
    if (!this.#finished) this.#hash = sha256(Buffer.concat([this.#hash, data]));
  }

  mixIntoKey(ikm: Uint8Array): void {
    const [salt, key] = hkdf64(ikm, this.#salt);
    this.#salt = salt;
    this.#key = key;
    this.#counter = 0;
  }

  encrypt(plaintext: Uint8Array): Buffer {
    const key = this.#finished ? this.#sendKey : this.#key;
    const n = this.#finished ? this.#sendCounter++ : this.#counter++;
    const c = createCipheriv('aes-256-gcm', key, iv(n));
    c.setAAD(this.#finished ? Buffer.alloc(0) : this.#hash);
    const out = Buffer.concat([c.update(plaintext), c.final(), c.getAuthTag()]);
    this.authenticate(out);
    return out;
  }

  decrypt(ciphertext: Uint8Array): Buffer {
    const key = this.#finished ? this.#recvKey : this.#key;
    const n = this.#finished ? this.#recvCounter++ : this.#counter++;
    const buf = Buffer.from(ciphertext);
    const d = createDecipheriv('aes-256-gcm', key, iv(n));
    d.setAAD(this.#finished ? Buffer.alloc(0) : this.#hash);
    d.setAuthTag(buf.subarray(buf.length - 16));
    const out = Buffer.concat([d.update(buf.subarray(0, buf.length - 16)), d.final()]);
    this.authenticate(buf);
    return out;
  }

  /** Split into transport keys: the client sends with the first half, so the server receives with it. */
  finish(): void {
    const [first, second] = hkdf64(Buffer.alloc(0), this.#salt);
    this.#recvKey = first;
    this.#sendKey = second;
    this.#finished = true;
  }
}

/** Splits the byte stream into frames (3-byte big-endian length + payload), after the client's header. */
export class FrameReader {
  #buf = Buffer.alloc(0);
  #sawHeader = false;

  push(data: Buffer): Buffer[] {
    this.#buf = Buffer.concat([this.#buf, data]);
    if (!this.#sawHeader) {
      if (this.#buf.length < NOISE_WA_HEADER.length) return [];
      if (!this.#buf.subarray(0, NOISE_WA_HEADER.length).equals(NOISE_WA_HEADER))
        throw new Error('bad WA prologue');
      this.#buf = this.#buf.subarray(NOISE_WA_HEADER.length);
      this.#sawHeader = true;
    }
    const frames: Buffer[] = [];
    while (this.#buf.length >= 3) {
      const size = (this.#buf.readUInt8(0) << 16) | this.#buf.readUInt16BE(1);
      if (this.#buf.length < 3 + size) break;
      frames.push(this.#buf.subarray(3, 3 + size));
      this.#buf = this.#buf.subarray(3 + size);
    }
    return frames;
  }
}

export function frame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(3 + payload.length);
  out.writeUInt8((payload.length >> 16) & 0xff, 0);
  out.writeUInt16BE(payload.length & 0xffff, 1);
  out.set(payload, 3);
  return out;
}
