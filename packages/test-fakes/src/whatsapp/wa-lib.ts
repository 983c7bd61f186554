// The parts of @whiskeysockets/baileys the fake server needs, typed structurally.
//
// test-fakes does not depend on Baileys (only provider-whatsapp does), so the fake cannot import
// it: the test passes the module it already loaded (`FakeWhatsApp.start({ lib })`). Using the
// client's own WABinary codec, protobufs and libsignal wrapper keeps the fake byte-compatible with
// the exact Baileys version under test; everything protocol-specific (Noise, framing, pairing,
// the server's iq answers) is the fake's own code.

/** A WABinary node, as Baileys encodes and decodes it. */
export interface WaNode {
  tag: string;
  attrs: { [key: string]: string };
  content?: WaNode[] | string | Uint8Array | undefined;
}

export interface KeyPair {
  public: Uint8Array;
  private: Uint8Array;
}

interface Writer {
  finish(): Uint8Array;
}

/** A protobufjs message class: only encode/decode are used. */
export interface ProtoCodec<T> {
  encode(message: T): Writer;
  decode(data: Uint8Array): T;
}

type Maybe<T> = T | null | undefined;

export interface HandshakeMessage {
  clientHello?: Maybe<{ ephemeral?: Maybe<Uint8Array> }>;
  serverHello?: Maybe<{
    ephemeral?: Maybe<Uint8Array>;
    static?: Maybe<Uint8Array>;
    payload?: Maybe<Uint8Array>;
  }>;
  clientFinish?: Maybe<{ static?: Maybe<Uint8Array>; payload?: Maybe<Uint8Array> }>;
}

export interface ClientPayload {
  username?: Maybe<number | { toString(): string }>;
  device?: Maybe<number>;
  passive?: Maybe<boolean>;
  devicePairingData?: Maybe<{
    eRegid?: Maybe<Uint8Array>;
    eKeytype?: Maybe<Uint8Array>;
    eIdent?: Maybe<Uint8Array>;
    eSkeyId?: Maybe<Uint8Array>;
    eSkeyVal?: Maybe<Uint8Array>;
    eSkeySig?: Maybe<Uint8Array>;
  }>;
}

export interface MessageKey {
  remoteJid?: Maybe<string>;
  fromMe?: Maybe<boolean>;
  id?: Maybe<string>;
  participant?: Maybe<string>;
}

export interface ContextInfo {
  mentionedJid?: Maybe<string[]>;
  stanzaId?: Maybe<string>;
  participant?: Maybe<string>;
  quotedMessage?: Maybe<WaMessage>;
}

/** The subset of proto.Message the fake reads and writes. */
/** The fields of an image/video/audio/document/sticker message this fake reads and writes. */
export interface WaMediaMessage {
  url?: Maybe<string>;
  directPath?: Maybe<string>;
  mediaKey?: Maybe<Uint8Array>;
  mimetype?: Maybe<string>;
  fileSha256?: Maybe<Uint8Array>;
  fileEncSha256?: Maybe<Uint8Array>;
  fileLength?: Maybe<number | { toString(): string }>;
  caption?: Maybe<string>;
  fileName?: Maybe<string>;
  ptt?: Maybe<boolean>;
  mediaKeyTimestamp?: Maybe<number | { toString(): string }>;
  contextInfo?: Maybe<ContextInfo>;
}

export interface WaMessage {
  conversation?: Maybe<string>;
  imageMessage?: Maybe<WaMediaMessage>;
  videoMessage?: Maybe<WaMediaMessage>;
  audioMessage?: Maybe<WaMediaMessage>;
  documentMessage?: Maybe<WaMediaMessage>;
  stickerMessage?: Maybe<WaMediaMessage>;
  extendedTextMessage?: Maybe<{ text?: Maybe<string>; contextInfo?: Maybe<ContextInfo> }>;
  reactionMessage?: Maybe<{ key?: Maybe<MessageKey>; text?: Maybe<string> }>;
  deviceSentMessage?: Maybe<{ destinationJid?: Maybe<string>; message?: Maybe<WaMessage> }>;
  senderKeyDistributionMessage?: Maybe<{
    groupId?: Maybe<string>;
    axolotlSenderKeyDistributionMessage?: Maybe<Uint8Array>;
  }>;
  protocolMessage?: Maybe<{
    type?: Maybe<number>;
    /** The message a revoke (type 0) or an edit (type 14) is about. */
    key?: Maybe<MessageKey>;
    editedMessage?: Maybe<WaMessage>;
    appStateSyncKeyShare?: Maybe<{
      keys?: Maybe<
        {
          keyId?: Maybe<{ keyId?: Maybe<Uint8Array> }>;
          keyData?: Maybe<{
            keyData?: Maybe<Uint8Array>;
            fingerprint?: Maybe<{ rawId?: Maybe<number>; currentIndex?: Maybe<number> }>;
            timestamp?: Maybe<number | { toString(): string }>;
          }>;
        }[]
      >;
    }>;
    historySyncNotification?: Maybe<{ syncType?: Maybe<number>; chunkOrder?: Maybe<number> }>;
  }>;
}

/** Baileys' libsignal wrapper (makeLibSignalRepository), bound to one device's key store. */
export interface SignalRepository {
  decryptMessage(opts: { jid: string; type: 'pkmsg' | 'msg'; ciphertext: Uint8Array }): Promise<Uint8Array>;
  encryptMessage(opts: {
    jid: string;
    data: Uint8Array;
  }): Promise<{ type: 'pkmsg' | 'msg'; ciphertext: Uint8Array }>;
  encryptGroupMessage(opts: { group: string; data: Uint8Array; meId: string }): Promise<{
    senderKeyDistributionMessage: Uint8Array;
    ciphertext: Uint8Array;
  }>;
  decryptGroupMessage(opts: { group: string; authorJid: string; msg: Uint8Array }): Promise<Uint8Array>;
  processSenderKeyDistributionMessage(opts: {
    item: { groupId?: Maybe<string>; axolotlSenderKeyDistributionMessage?: Maybe<Uint8Array> };
    authorJid: string;
  }): Promise<void>;
  injectE2ESession(opts: {
    jid: string;
    session: {
      registrationId: number;
      identityKey: Uint8Array;
      signedPreKey: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
      preKey: { keyId: number; publicKey: Uint8Array };
    };
  }): Promise<void>;
  jidToSignalProtocolAddress(jid: string): string;
}

/** A device's signal credentials (what initAuthCreds makes). */
export interface SignalCreds {
  signedIdentityKey: KeyPair;
  signedPreKey: { keyPair: KeyPair; signature: Uint8Array; keyId: number };
  registrationId: number;
}

/** The key store Baileys' signal repository reads and writes. */
export interface SignalKeyStore {
  // biome-ignore lint/suspicious/noExplicitAny: Baileys' store is keyed by category with per-category value types.
  get(type: string, ids: string[]): Promise<{ [id: string]: any }>;
  // biome-ignore lint/suspicious/noExplicitAny: see get.
  set(data: { [category: string]: { [id: string]: any } }): Promise<void>;
}

export interface WaLib {
  proto: {
    HandshakeMessage: ProtoCodec<HandshakeMessage>;
    CertChain: ProtoCodec<{
      leaf?: Maybe<{ details?: Maybe<Uint8Array>; signature?: Maybe<Uint8Array> }>;
      intermediate?: Maybe<{ details?: Maybe<Uint8Array>; signature?: Maybe<Uint8Array> }>;
    }> & {
      NoiseCertificate: {
        Details: ProtoCodec<{
          serial?: Maybe<number>;
          issuerSerial?: Maybe<number>;
          key?: Maybe<Uint8Array>;
        }>;
      };
    };
    ClientPayload: ProtoCodec<ClientPayload>;
    ADVDeviceIdentity: ProtoCodec<{
      rawId?: Maybe<number>;
      timestamp?: Maybe<number | { toString(): string }>;
      keyIndex?: Maybe<number>;
    }>;
    ADVSignedDeviceIdentity: ProtoCodec<{
      details?: Maybe<Uint8Array>;
      accountSignatureKey?: Maybe<Uint8Array>;
      accountSignature?: Maybe<Uint8Array>;
      deviceSignature?: Maybe<Uint8Array>;
    }>;
    ADVSignedDeviceIdentityHMAC: ProtoCodec<{ details?: Maybe<Uint8Array>; hmac?: Maybe<Uint8Array> }>;
    Message: ProtoCodec<WaMessage>;
  };
  Curve: {
    generateKeyPair(): KeyPair;
    sign(privateKey: Uint8Array, data: Uint8Array): Uint8Array;
  };
  encodeBinaryNode(node: WaNode): Uint8Array;
  decodeBinaryNode(data: Uint8Array): Promise<WaNode>;
  initAuthCreds(): SignalCreds;
  encodeWAMessage(message: WaMessage): Uint8Array;
  /** HKDF of a media key into the AES key, IV and MAC key (Utils/messages-media). */
  getMediaKeys(
    mediaKey: Uint8Array,
    type: string,
  ): Promise<{ iv: Buffer; cipherKey: Buffer; macKey?: Buffer | undefined }>;
  unpadRandomMax16(data: Uint8Array): Uint8Array;
  DEFAULT_CONNECTION_CONFIG: {
    makeSignalRepository(auth: { creds: SignalCreds; keys: SignalKeyStore }): SignalRepository;
  };
}
