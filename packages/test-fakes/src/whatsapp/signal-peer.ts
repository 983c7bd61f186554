import type { SignalCreds, SignalKeyStore, SignalRepository, WaLib, WaMessage } from './wa-lib.ts';

/** A prekey bundle as the key-fetch iq carries it (raw 32-byte keys). */
export interface PreKeyBundle {
  registrationId: number;
  identityKey: Uint8Array;
  signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey: { keyId: number; publicKey: Uint8Array };
}

/** libsignal wants "DJB" public keys: a 0x05 type byte in front of the 32 raw bytes. */
const djb = (raw: Uint8Array): Buffer =>
  raw.length === 33 ? Buffer.from(raw) : Buffer.concat([Buffer.from([5]), raw]);

/** An in-memory key store, what a phone keeps in its database. */
class MemoryKeyStore implements SignalKeyStore {
  readonly #data = new Map<string, Map<string, unknown>>();

  async get(type: string, ids: string[]): Promise<{ [id: string]: unknown }> {
    const m = this.#data.get(type);
    return Object.fromEntries(ids.map((id) => [id, m?.get(id)]));
  }

  async set(data: { [category: string]: { [id: string]: unknown } }): Promise<void> {
    for (const [category, values] of Object.entries(data)) {
      let m = this.#data.get(category);
      if (!m) {
        m = new Map();
        this.#data.set(category, m);
      }
      for (const [id, v] of Object.entries(values)) {
        if (v === null || v === undefined) m.delete(id);
        else m.set(id, v);
      }
    }
  }
}

/**
 * One simulated WhatsApp device (a contact's phone, or the linked account's own phone): its own
 * identity, signed prekey and one-time prekeys, and real Signal sessions with the client under test.
 */
export class SignalPeer {
  readonly user: string;
  /** Always the primary device: contacts here have no companions. */
  readonly jid: string;
  readonly #lib: WaLib;
  readonly #creds: SignalCreds;
  readonly #keys = new MemoryKeyStore();
  readonly #repo: SignalRepository;
  #nextPreKeyId = 1;
  /** Groups whose sender key this peer already handed to the client. */
  readonly sentSenderKeyTo = new Set<string>();

  get registrationId(): number {
    return this.#creds.registrationId;
  }

  constructor(lib: WaLib, user: string) {
    this.#lib = lib;
    this.user = user;
    this.jid = `${user}@s.whatsapp.net`;
    this.#creds = lib.initAuthCreds();
    this.#repo = lib.DEFAULT_CONNECTION_CONFIG.makeSignalRepository({ creds: this.#creds, keys: this.#keys });
  }

  /** A bundle for the client's key fetch, with a fresh one-time prekey (a server hands each out once). */
  async bundle(): Promise<PreKeyBundle> {
    const keyId = this.#nextPreKeyId++;
    const pair = this.#lib.Curve.generateKeyPair();
    await this.#keys.set({ 'pre-key': { [String(keyId)]: pair } });
    const spk = this.#creds.signedPreKey;
    return {
      registrationId: this.#creds.registrationId,
      identityKey: this.#creds.signedIdentityKey.public,
      signedPreKey: { keyId: spk.keyId, publicKey: spk.keyPair.public, signature: spk.signature },
      preKey: { keyId, publicKey: pair.public },
    };
  }

  async hasSession(jid: string): Promise<boolean> {
    const addr = this.#repo.jidToSignalProtocolAddress(jid);
    const got = await this.#keys.get('session', [addr]);
    return Boolean(got[addr]);
  }

  /**
   * Encrypt one message for `jid`. Without a session yet, `bundle` supplies the client's uploaded
   * keys and the result is a pkmsg; afterwards it is a plain msg.
   */
  async encryptFor(
    jid: string,
    message: WaMessage,
    bundle: () => PreKeyBundle,
  ): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Uint8Array }> {
    if (!(await this.hasSession(jid))) {
      const b = bundle();
      await this.#repo.injectE2ESession({
        jid,
        session: {
          registrationId: b.registrationId,
          identityKey: djb(b.identityKey),
          signedPreKey: { ...b.signedPreKey, publicKey: djb(b.signedPreKey.publicKey) },
          preKey: { ...b.preKey, publicKey: djb(b.preKey.publicKey) },
        },
      });
    }
    return this.#repo.encryptMessage({ jid, data: this.#lib.encodeWAMessage(message) });
  }

  async decryptFrom(jid: string, type: 'pkmsg' | 'msg', ciphertext: Uint8Array): Promise<WaMessage> {
    const padded = await this.#repo.decryptMessage({ jid, type, ciphertext });
    return this.#lib.proto.Message.decode(this.#lib.unpadRandomMax16(padded));
  }

  /** A group message under this peer's sender key, plus the distribution message that carries the key. */
  async encryptGroup(
    group: string,
    message: WaMessage,
  ): Promise<{ ciphertext: Uint8Array; senderKeyDistributionMessage: Uint8Array }> {
    return this.#repo.encryptGroupMessage({
      group,
      meId: this.jid,
      data: this.#lib.encodeWAMessage(message),
    });
  }

  async acceptSenderKey(
    authorJid: string,
    item: {
      groupId?: string | null | undefined;
      axolotlSenderKeyDistributionMessage?: Uint8Array | null | undefined;
    },
  ): Promise<void> {
    await this.#repo.processSenderKeyDistributionMessage({ authorJid, item });
  }

  async decryptGroup(group: string, authorJid: string, ciphertext: Uint8Array): Promise<WaMessage> {
    const padded = await this.#repo.decryptGroupMessage({ group, authorJid, msg: ciphertext });
    return this.#lib.proto.Message.decode(this.#lib.unpadRandomMax16(padded));
  }
}
