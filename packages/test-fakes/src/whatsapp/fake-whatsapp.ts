import { createHmac, randomBytes, randomInt } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';
import { CallHold, closeServer, listen } from '../http-util.ts';
import { PlatformFake } from '../platform-fake.ts';
import { WA_MEDIA, WaMediaHost, type WaMediaType } from './media-host.ts';
import {
  bundleNode,
  bytes,
  child,
  deviceListNode,
  type Group,
  groupNode,
  kids,
  nowS,
  parseJid,
  S_WHATSAPP_NET,
  SERVER_JID,
  textMessage,
  textOf,
} from './nodes.ts';
import { FrameReader, frame, NoiseState, type RawKeyPair, x25519, x25519KeyPair } from './noise.ts';
import { type PreKeyBundle, SignalPeer } from './signal-peer.ts';
import type { ClientPayload, KeyPair, WaLib, WaMediaMessage, WaMessage, WaNode } from './wa-lib.ts';

/** A message the client sent, decrypted by the fake as its recipient would. */
export interface WhatsAppSent {
  /** Chat jid: `<number>@s.whatsapp.net` or `<id>@g.us`. */
  to: string;
  id: string;
  text: string;
  /** Set when the message is a reaction (`text` is then empty). */
  reaction?: { emoji: string; targetId: string };
  /** Jids the message mentions (contextInfo.mentionedJid). */
  mentions: string[];
  /** The quoted message id, when the message is a reply. */
  quotedId?: string;
  /** A media message, downloaded from the fake's media host and decrypted as its recipient would. */
  media?: {
    type: WaMediaType;
    mimeType: string;
    data: Buffer;
    caption?: string;
    fileName?: string;
    ptt: boolean;
  };
  /** Edited later by the client (a MESSAGE_EDIT protocol message). */
  editedText?: string;
  /** Deleted for everyone later by the client (a REVOKE protocol message). */
  deleted?: boolean;
  at: number;
}

/** What a contact sends as media (see pushMedia). */
export interface WhatsAppMediaInput {
  type: WaMediaType;
  data: Buffer;
  mimeType: string;
  caption?: string;
  fileName?: string;
  /** A voice note (push-to-talk audio). */
  ptt?: boolean;
}

/** A `<chatstate>` (typing) or `<presence>` node from the client. */
export interface WhatsAppPresence {
  kind: 'chatstate' | 'presence';
  /** The chat for chatstate. */
  to?: string;
  /** composing / paused for chatstate; available / unavailable for presence. */
  state: string;
  at: number;
}

export interface WhatsAppPushOptions {
  /** The sender's profile name (the `notify` attribute). */
  pushName?: string;
  id?: string;
  /** Epoch seconds. */
  timestamp?: number;
  /** Jids to mention (extendedTextMessage.contextInfo.mentionedJid). */
  mentions?: string[];
  /** Quote an earlier message. */
  replyTo?: { id: string; participant: string; text?: string };
  /** The linked account to deliver to (default: the fake's phone). */
  to?: string;
}

export interface FakeWhatsAppOptions {
  /** The Baileys module under test (test-fakes does not depend on it). */
  lib: WaLib;
  /** The phone number scanQr links to by default (digits only). */
  phone?: string;
  /** How many QR refs one pair-device iq carries (real servers send 6). */
  qrRefs?: number;
  port?: number;
  /** Record every node in and out (tag and attributes) in `trace`, for debugging a test. */
  trace?: boolean;
  /**
   * Serve media: an HTTPS media host (self-signed, for 127.0.0.1; see `mediaCa`) answering the
   * client's media_conn query, taking its encrypted uploads and serving media pushed with pushMedia.
   */
  media?: boolean;
}

interface LinkedDevice {
  phone: string;
  id: number;
  /** `<phone>:<id>@s.whatsapp.net`. */
  jid: string;
  /** The client's Noise static key: a login must present the same one. */
  noiseKey: Buffer;
  registrationId: number;
  identity: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
  /** Uploaded one-time prekeys not yet handed out. */
  preKeys: { keyId: number; publicKey: Buffer }[];
  /** A low-prekey notification went out and no upload has answered it yet. */
  askedForPreKeys: boolean;
  /** Fresh link: the phone still has to share the app-state keys after login. */
  needsKeyShare: boolean;
  conn: Conn | undefined;
  /** Messages waiting for the device to come online. */
  queue: { node: () => Promise<WaNode>; offline: boolean }[];
}

interface Account {
  phone: string;
  lid: string;
  /** The phone's ADV account key: signs each companion device at pairing. */
  accountKey: KeyPair;
  devices: Map<number, LinkedDevice>;
  nextDeviceId: number;
}

interface Registration {
  registrationId: number;
  identity: Buffer;
  signedPreKey: { keyId: number; publicKey: Buffer; signature: Buffer };
}

let connIds = 0;

/** One client WebSocket: handshake state, then the decrypted node stream. */
class Conn {
  readonly id = ++connIds;
  readonly ws: WebSocket;
  readonly noise = new NoiseState();
  readonly reader = new FrameReader();
  readonly ephemeral: RawKeyPair = x25519KeyPair();
  stage: 'hello' | 'finish' | 'open' = 'hello';
  clientStatic: Buffer | undefined;
  /** Set while the client waits to be paired (registration payload). */
  pairing:
    | {
        registration: Registration;
        refs: string[];
        iqId: string;
        promised?: { phone: string; deviceId: number };
      }
    | undefined;
  /** Set once a login succeeded. */
  device: LinkedDevice | undefined;
  /** Login finished (prekeys and passive done): messages may flow. */
  online = false;
  /** Frames received so far (counted on arrival; the handshake is the first two). */
  framesIn = 0;
  /** Frames are handled one after another (decoding is async). */
  chain: Promise<void> = Promise.resolve();
  readonly #lib: WaLib;
  readonly #trace: string[] | undefined;

  constructor(ws: WebSocket, lib: WaLib, trace: string[] | undefined) {
    this.ws = ws;
    this.#lib = lib;
    this.#trace = trace;
  }

  log(dir: 'in' | 'out', node: WaNode): void {
    if (!this.#trace) return;
    const children = kids(node).map((c) => c.tag);
    this.#trace.push(`${this.id} ${dir} <${node.tag}> ${JSON.stringify(node.attrs)} [${children.join(',')}]`);
  }

  get open(): boolean {
    return this.ws.readyState === this.ws.OPEN;
  }

  send(node: WaNode): void {
    if (!this.open) return;
    this.ws.send(this.seal(node));
  }

  /** The frame for `node`, encrypted under the next counter. */
  seal(node: WaNode): Buffer {
    this.log('out', node);
    return frame(this.noise.encrypt(this.#lib.encodeBinaryNode(node)));
  }
}

/**
 * A WhatsApp Web server on 127.0.0.1 for Baileys (`waWebSocketUrl`): Noise XX handshake, WABinary
 * nodes, QR pairing, the 515 restart, login, prekeys, usync, key fetch, group metadata, the
 * app-state key share, offline delivery, and real Signal encryption both ways. Contacts are
 * simulated phones with their own keys; outbound messages are decrypted as their recipient would
 * and recorded in `sent`. Control methods play the phone (scanQr, pushText, createGroup,
 * pushGroupText, logout) and the server (replace, forceRestart, dropConnections, failNextSend,
 * ignoreNextQuery). One instance keeps its accounts across connections, so a client that logs in
 * again with stored credentials is recognised.
 */
export class FakeWhatsApp extends PlatformFake<WhatsAppSent> {
  /** The URL for Baileys' `waWebSocketUrl`. */
  wsUrl = '';
  /** The phone number scanQr links to by default. */
  readonly phone: string;
  /** Sends whose message id was already delivered: a recipient's phone shows them once, so they are counted here, not in `sent`. */
  duplicates = 0;
  /** Retry receipts sent for messages the phone could not decrypt. */
  retryRequests = 0;
  readonly #retryAsked = new Map<string, number>();
  #media: WaMediaHost | undefined;
  readonly presence: WhatsAppPresence[] = [];
  /** Receipts the client sent for delivered messages. */
  readonly receipts: { id: string; to: string; type: string }[] = [];
  /** Acks the client sent for messages the fake delivered. */
  readonly acks: string[] = [];
  /** Problems the fake hit (undecryptable messages, unknown QR, …), for test diagnostics. */
  readonly errors: string[] = [];
  /** Every outbound message attempt: delivered messages plus sends rejected by failNextSend. */
  sendAttempts = 0;
  /** With `trace: true`: `<conn> in|out <tag> {attrs} [child tags]` for every node. */
  readonly trace: string[] = [];
  /** Queries left unanswered by ignoreNextQuery. */
  ignoredQueries = 0;
  /** Logins completed (one per connection that reached `success`). */
  logins = 0;
  readonly #lib: WaLib;
  readonly #qrRefs: number;
  readonly #trace: boolean;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #holds: CallHold[] = [];
  readonly #server: Server;
  readonly #wss: WebSocketServer;
  readonly #static: RawKeyPair = x25519KeyPair();
  readonly #conns = new Set<Conn>();
  readonly #accounts = new Map<string, Account>();
  readonly #peers = new Map<string, SignalPeer>();
  readonly #groups = new Map<string, Group>();
  readonly #failures: { code: number; text: string }[] = [];
  readonly #ignore: string[] = [];
  readonly #scans = new Map<Conn, { resolve(jid: string): void; reject(e: Error): void }>();
  #ids = 0;
  #closed = false;

  private constructor(options: FakeWhatsAppOptions) {
    super();
    this.#lib = options.lib;
    this.phone = options.phone ?? '15550009999';
    this.#qrRefs = options.qrRefs ?? 6;
    this.#trace = options.trace ?? false;
    this.#server = createServer((_req, res) => {
      res.writeHead(426).end();
    });
    this.meter.watch(this.#server);
    this.#wss = new WebSocketServer({ server: this.#server, path: '/ws/chat' });
    this.#wss.on('connection', (ws) => this.#accept(ws));
  }

  static async start(options: FakeWhatsAppOptions): Promise<FakeWhatsApp> {
    const fake = new FakeWhatsApp(options);
    const port = await listen(fake.#server, options.port);
    fake.wsUrl = `ws://127.0.0.1:${port}/ws/chat`;
    if (options.media)
      fake.#media = await WaMediaHost.start((key, type) => options.lib.getMediaKeys(key, type));
    return fake;
  }

  /** The media host's certificate (PEM): what the client must trust to reach it over HTTPS. */
  get mediaCa(): string {
    if (!this.#media) throw new Error('started without media: pass { media: true }');
    return this.#media.ca;
  }

  /** Uploads the media host took (encrypted bytes), in order. */
  get mediaUploads(): readonly { path: string; size: number }[] {
    return this.#media?.uploads ?? [];
  }

  /**
   * A contact sends a photo, video, voice note, document or sticker: the bytes are encrypted with
   * a fresh media key and stored on the media host, and the message carrying the key goes out
   * Signal-encrypted like any other.
   */
  async pushMedia(
    from: string,
    input: WhatsAppMediaInput,
    options: WhatsAppPushOptions = {},
  ): Promise<string> {
    if (!this.#media) throw new Error('started without media: pass { media: true }');
    const stored = await this.#media.put(input.type, input.data);
    const part: WaMediaMessage = {
      url: stored.url,
      directPath: stored.directPath,
      mediaKey: stored.mediaKey,
      mimetype: input.mimeType,
      fileSha256: stored.fileSha256,
      fileEncSha256: stored.fileEncSha256,
      fileLength: stored.fileLength,
      mediaKeyTimestamp: nowS(),
    };
    if (input.caption) part.caption = input.caption;
    if (input.fileName) part.fileName = input.fileName;
    if (input.ptt) part.ptt = true;
    const message: WaMessage = { [WA_MEDIA[input.type].message]: part };
    return this.#pushMessage(from, message, 'media', options);
  }

  /**
   * Hold back WhatsApp's ack of every client message after the first `after` (kind 'ack'): the
   * message is recorded as received, but the client never sees it acknowledged until the hold
   * lets it go on (drop: never). A client killed meanwhile has messages WhatsApp has and it never
   * saw confirmed: parts in doubt, at a moment the test chooses.
   */
  holdAcks(after = 0): CallHold {
    const h = new CallHold('ack', after);
    this.#holds.push(h);
    return h;
  }

  #pass(kind: string): Promise<boolean> | undefined {
    const waits = this.#holds.flatMap((h) => h.pass(kind) ?? []);
    return waits.length === 0 ? undefined : Promise.all(waits).then((r) => r.every(Boolean));
  }

  /** Close every client socket and the server. */
  protected servers(): Server[] {
    return [this.#server];
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const h of this.#holds) h.release();
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const s of this.#scans.values()) s.reject(new Error('fake closed'));
    this.#scans.clear();
    for (const c of this.#conns) c.ws.terminate();
    this.#conns.clear();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    await closeServer(this.#server);
    await this.#media?.close();
  }

  // ── control: the phone ──────────────────────────────────────────────────────

  /** The jid of `phone`'s linked device(s), once linked. */
  linkedJids(phone = this.phone): string[] {
    return [...(this.#accounts.get(phone)?.devices.values() ?? [])].map((d) => d.jid);
  }

  /** One-time prekeys of `phone`'s linked devices still on the server (each new session takes one). */
  preKeysLeft(phone = this.phone): number {
    return [...(this.#accounts.get(phone)?.devices.values() ?? [])].reduce((n, d) => n + d.preKeys.length, 0);
  }

  /**
   * Whether a linked device of `phone` is connected, past login and, after a fresh link, holds the
   * app-state keys (until then Baileys buffers every event, so nothing reaches the app).
   */
  isOnline(phone = this.phone): boolean {
    return [...(this.#accounts.get(phone)?.devices.values() ?? [])].some(
      (d) => d.conn?.online && d.conn.open && !d.needsKeyShare,
    );
  }

  /**
   * Scan a QR the client displayed, as `phone`'s primary device: sends pair-success signed by the
   * phone's account key. Resolves with the new device jid once the client confirmed
   * (pair-device-sign); the fake then asks the client to restart (515).
   */
  scanQr(qr: string, phone = this.phone): Promise<string> {
    const [ref = '', noiseB64 = '', identityB64 = '', advB64 = ''] = qr.split(',');
    const conn = [...this.#conns].find(
      (c) => c.open && c.pairing?.refs.includes(ref) && c.clientStatic?.toString('base64') === noiseB64,
    );
    if (!conn?.pairing) {
      this.errors.push(`scanQr: no connected client shows ref ${ref}`);
      return Promise.reject(new Error('no connected client shows this QR (expired, or from another server)'));
    }
    const identity = Buffer.from(identityB64, 'base64');
    if (!identity.equals(conn.pairing.registration.identity))
      return Promise.reject(new Error('QR identity key does not match the registration'));
    const account = this.#account(phone);
    const deviceId = account.nextDeviceId++;
    const lib = this.#lib;
    const details = Buffer.from(
      lib.proto.ADVDeviceIdentity.encode({
        rawId: randomInt(1, 2 ** 31),
        timestamp: nowS(),
        keyIndex: 1,
      }).finish(),
    );
    // The phone vouches for the new companion: sign (6,0) ‖ details ‖ companion identity key.
    const accountSignature = lib.Curve.sign(
      account.accountKey.private,
      Buffer.concat([Buffer.from([6, 0]), details, identity]),
    );
    const signed = Buffer.from(
      lib.proto.ADVSignedDeviceIdentity.encode({
        details,
        accountSignatureKey: account.accountKey.public,
        accountSignature,
      }).finish(),
    );
    const hmac = createHmac('sha256', Buffer.from(advB64, 'base64')).update(signed).digest();
    const body = lib.proto.ADVSignedDeviceIdentityHMAC.encode({ details: signed, hmac }).finish();
    const jid = `${phone}:${deviceId}@${S_WHATSAPP_NET}`;
    conn.pairing.promised = { phone, deviceId };
    const result = new Promise<string>((resolve, reject) => this.#scans.set(conn, { resolve, reject }));
    conn.send({
      tag: 'iq',
      attrs: { id: this.#nextId('pair'), type: 'set', from: SERVER_JID },
      content: [
        {
          tag: 'pair-success',
          attrs: {},
          content: [
            { tag: 'device-identity', attrs: {}, content: body },
            { tag: 'platform', attrs: { name: 'android' } },
            { tag: 'device', attrs: { jid } },
          ],
        },
      ],
    });
    return result;
  }

  /**
   * A contact (`from`, digits) sends a text DM to the linked account: Signal-encrypted with the
   * client's uploaded prekeys (pkmsg first, msg after). Delivered at once when the client is online,
   * otherwise queued like a real server (as an offline message when it is not connected at all).
   */
  async pushText(from: string, text: string, options: WhatsAppPushOptions = {}): Promise<string> {
    return this.#pushMessage(from, textMessage(text, options), 'text', options);
  }

  async #pushMessage(
    from: string,
    message: WaMessage,
    type: 'text' | 'media' | 'reaction',
    options: WhatsAppPushOptions,
  ): Promise<string> {
    const id = options.id ?? this.#messageId();
    const peer = this.#peer(from);
    const t = String(options.timestamp ?? nowS());
    const attrs: Record<string, string> = { id, from: peer.jid, t, type };
    if (options.pushName) attrs.notify = options.pushName;
    for (const device of this.#devicesOf(options.to ?? this.phone)) {
      this.#deliver(device, async () => {
        const enc = await peer.encryptFor(device.jid, message, () => this.#takeBundle(device));
        return {
          tag: 'message',
          attrs: { ...attrs },
          content: [{ tag: 'enc', attrs: { v: '2', type: enc.type }, content: enc.ciphertext }],
        };
      });
    }
    return id;
  }

  /** A contact reacts to a message (`emoji` '' takes the reaction back). */
  async pushReaction(from: string, target: { id: string; fromMe: boolean }, emoji: string): Promise<string> {
    const key = { remoteJid: `${from}@${S_WHATSAPP_NET}`, fromMe: target.fromMe, id: target.id };
    return this.#pushMessage(from, { reactionMessage: { key, text: emoji } }, 'reaction', {});
  }

  /** A contact deletes for everyone (type 0) or edits (type 14) a message they sent. */
  async pushRevokeOrEdit(from: string, targetId: string, edit?: string): Promise<string> {
    const key = { remoteJid: `${from}@${S_WHATSAPP_NET}`, fromMe: false, id: targetId };
    return this.#pushMessage(
      from,
      {
        protocolMessage: {
          key,
          type: edit === undefined ? 0 : 14,
          ...(edit === undefined ? {} : { editedMessage: { conversation: edit } }),
        },
      },
      'text',
      {},
    );
  }

  /** A group the linked account is in. `id` is the part before `@g.us`. */
  createGroup(id: string, subject: string, members: string[]): string {
    const jid = id.includes('@') ? id : `${id}@g.us`;
    const all = [...new Set([this.phone, ...members])];
    this.#groups.set(jid, { jid, subject, members: all });
    return jid;
  }

  /**
   * A member sends a text to a group: the content goes out as skmsg under the sender's sender key;
   * the first time, a pkmsg/msg carries that key (the SenderKeyDistributionMessage) to the client.
   */
  async pushGroupText(
    groupId: string,
    from: string,
    text: string,
    options: WhatsAppPushOptions = {},
  ): Promise<string> {
    const jid = groupId.includes('@') ? groupId : `${groupId}@g.us`;
    let group = this.#groups.get(jid);
    if (!group) {
      this.createGroup(jid, `Group ${groupId}`, [from]);
      group = this.#groups.get(jid)!;
    }
    if (!group.members.includes(from)) group.members.push(from);
    const id = options.id ?? this.#messageId();
    const peer = this.#peer(from);
    const message = textMessage(text, options);
    const t = String(options.timestamp ?? nowS());
    const attrs: Record<string, string> = { id, from: jid, participant: peer.jid, t, type: 'text' };
    if (options.pushName) attrs.notify = options.pushName;
    for (const device of this.#devicesOf(options.to ?? this.phone)) {
      this.#deliver(device, async () => {
        const { ciphertext, senderKeyDistributionMessage } = await peer.encryptGroup(jid, message);
        const content: WaNode[] = [];
        const keyFor = `${jid}|${device.jid}`;
        if (!peer.sentSenderKeyTo.has(keyFor)) {
          peer.sentSenderKeyTo.add(keyFor);
          const enc = await peer.encryptFor(
            device.jid,
            {
              senderKeyDistributionMessage: {
                groupId: jid,
                axolotlSenderKeyDistributionMessage: senderKeyDistributionMessage,
              },
            },
            () => this.#takeBundle(device),
          );
          content.push({ tag: 'enc', attrs: { v: '2', type: enc.type }, content: enc.ciphertext });
        }
        content.push({ tag: 'enc', attrs: { v: '2', type: 'skmsg' }, content: ciphertext });
        return { tag: 'message', attrs: { ...attrs }, content };
      });
    }
    return id;
  }

  /** The phone unlinks the device: stream error 401 now, and `failure 401` on any later login. */
  logout(phone = this.phone): void {
    const account = this.#accounts.get(phone);
    for (const d of account?.devices.values() ?? []) {
      d.conn?.send({
        tag: 'stream:error',
        attrs: { code: '401' },
        content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }],
      });
    }
    account?.devices.clear();
  }

  /** Another client logged in with the same credentials: the live connection gets conflict/replaced (440). */
  replace(phone = this.phone): void {
    for (const d of this.#accounts.get(phone)?.devices.values() ?? []) {
      d.conn?.send({
        tag: 'stream:error',
        attrs: {},
        content: [{ tag: 'conflict', attrs: { type: 'replaced' } }],
      });
    }
  }

  /** The server asks every connected client to restart (stream error 515). */
  forceRestart(): void {
    for (const c of this.#conns)
      if (c.stage === 'open') c.send({ tag: 'stream:error', attrs: { code: '515' } });
  }

  /** Cut every client's TCP connection without a stream error (a network drop). */
  override dropConnections(): void {
    for (const c of this.#conns) c.ws.terminate();
  }

  /**
   * The next outbound message fails: the first server query it needs (the usync device lookup or
   * the prekey fetch) is answered with `<error code text>`, as WhatsApp does with `rate-overlimit`.
   */
  failNextSend(code = 429, text = 'rate-overlimit'): void {
    this.#failures.push({ code, text });
  }

  /** The next iq of this namespace (`usync`, `encrypt`, …) gets no answer: a server that stalls. */
  ignoreNextQuery(xmlns: string): void {
    this.#ignore.push(xmlns);
  }

  // ── connections ─────────────────────────────────────────────────────────────

  #accept(ws: WebSocket): void {
    this.meter.socket(ws);
    const conn = new Conn(ws, this.#lib, this.#trace ? this.trace : undefined);
    this.#conns.add(conn);
    ws.on('message', (data: Buffer) => {
      let frames: Buffer[];
      try {
        frames = conn.reader.push(Buffer.isBuffer(data) ? data : Buffer.from(data as ArrayBuffer));
      } catch (error) {
        this.errors.push(String(error));
        ws.terminate();
        return;
      }
      conn.framesIn += frames.length;
      for (const f of frames) {
        conn.chain = conn.chain
          .then(() => this.#onFrame(conn, f))
          .catch((error: unknown) => {
            this.errors.push(`conn ${conn.id}: ${error instanceof Error ? error.stack : String(error)}`);
          });
      }
    });
    ws.on('close', () => {
      this.#conns.delete(conn);
      if (conn.device?.conn === conn) conn.device.conn = undefined;
      this.#scans.get(conn)?.reject(new Error('client disconnected before pairing finished'));
      this.#scans.delete(conn);
    });
    ws.on('error', (error) => this.errors.push(`ws: ${error.message}`));
  }

  async #onFrame(conn: Conn, data: Buffer): Promise<void> {
    const lib = this.#lib;
    if (conn.stage === 'hello') {
      const hello = lib.proto.HandshakeMessage.decode(data).clientHello;
      if (!hello?.ephemeral) throw new Error('expected clientHello');
      const clientEphemeral = Buffer.from(hello.ephemeral);
      const n = conn.noise;
      n.authenticate(clientEphemeral);
      n.authenticate(conn.ephemeral.publicKey);
      n.mixIntoKey(x25519(conn.ephemeral.privateKey, clientEphemeral));
      const staticEnc = n.encrypt(this.#static.publicKey);
      n.mixIntoKey(x25519(this.#static.privateKey, clientEphemeral));
      // Baileys checks only intermediate.details.issuerSerial === 0; nothing is signed for real.
      const details = lib.proto.CertChain.NoiseCertificate.Details.encode({
        serial: 1,
        issuerSerial: 0,
        key: this.#static.publicKey,
      }).finish();
      const cert = lib.proto.CertChain.encode({
        leaf: { details, signature: Buffer.alloc(64) },
        intermediate: { details, signature: Buffer.alloc(64) },
      }).finish();
      const payload = n.encrypt(cert);
      conn.ws.send(
        frame(
          lib.proto.HandshakeMessage.encode({
            serverHello: { ephemeral: conn.ephemeral.publicKey, static: staticEnc, payload },
          }).finish(),
        ),
      );
      conn.stage = 'finish';
      return;
    }
    if (conn.stage === 'finish') {
      const fin = lib.proto.HandshakeMessage.decode(data).clientFinish;
      if (!fin?.static || !fin.payload) throw new Error('expected clientFinish');
      const n = conn.noise;
      conn.clientStatic = n.decrypt(fin.static);
      n.mixIntoKey(x25519(conn.ephemeral.privateKey, conn.clientStatic));
      const payload = lib.proto.ClientPayload.decode(n.decrypt(fin.payload));
      n.finish();
      conn.stage = 'open';
      if (payload.devicePairingData) this.#startPairing(conn, payload);
      else this.#login(conn, payload);
      return;
    }
    const node = await lib.decodeBinaryNode(conn.noise.decrypt(data));
    conn.log('in', node);
    await this.#onNode(conn, node);
  }

  #startPairing(conn: Conn, payload: ClientPayload): void {
    const p = payload.devicePairingData!;
    const registration: Registration = {
      registrationId: Buffer.from(p.eRegid ?? []).readUInt32BE(0),
      identity: Buffer.from(p.eIdent ?? []),
      signedPreKey: {
        keyId: Buffer.from(p.eSkeyId ?? []).readUIntBE(0, 3),
        publicKey: Buffer.from(p.eSkeyVal ?? []),
        signature: Buffer.from(p.eSkeySig ?? []),
      },
    };
    const refs = Array.from({ length: this.#qrRefs }, () => `2@${randomBytes(12).toString('base64')}`);
    const iqId = this.#nextId('pair-device');
    conn.pairing = { registration, refs, iqId };
    this.#sendFirst(conn, {
      tag: 'iq',
      attrs: { id: iqId, type: 'set', from: SERVER_JID, xmlns: 'md' },
      content: [
        {
          tag: 'pair-device',
          attrs: {},
          content: refs.map((r) => ({ tag: 'ref', attrs: {}, content: Buffer.from(r) })),
        },
      ],
    });
  }

  #login(conn: Conn, payload: ClientPayload): void {
    const phone = String(payload.username ?? '');
    const account = this.#accounts.get(phone);
    const device = account?.devices.get(Number(payload.device ?? 0));
    if (!account || !device || !conn.clientStatic?.equals(device.noiseKey)) {
      // Unlinked (or never linked here): what WhatsApp answers a removed companion.
      this.#sendFirst(conn, { tag: 'failure', attrs: { reason: '401', location: 'fake' } });
      return;
    }
    const old = device.conn;
    if (old && old !== conn && old.open) {
      // The newest connection wins; the older one is told it was replaced.
      old.send({
        tag: 'stream:error',
        attrs: {},
        content: [{ tag: 'conflict', attrs: { type: 'replaced' } }],
      });
    }
    device.conn = conn;
    conn.device = device;
    this.logins++;
    this.#sendFirst(conn, {
      tag: 'success',
      attrs: {
        t: String(nowS()),
        lid: `${account.lid}:${device.id}@lid`,
        props: '1',
        abprops: '1',
        location: 'fake',
        creation: String(nowS()),
      },
    });
  }

  async #onNode(conn: Conn, node: WaNode): Promise<void> {
    switch (node.tag) {
      case 'iq':
        try {
          return await this.#onIq(conn, node);
        } catch (error) {
          // Never leave a query unanswered: Baileys would wait out its query timeout.
          this.errors.push(`iq ${node.attrs.xmlns ?? ''}: ${String(error)}`);
          return this.#reject(conn, node.attrs.id ?? '', { code: 500, text: 'internal-server-error' });
        }
      case 'message':
        return this.#onMessage(conn, node);
      case 'receipt':
        this.receipts.push({
          id: node.attrs.id ?? '',
          to: node.attrs.to ?? '',
          type: node.attrs.type ?? 'delivery',
        });
        return;
      case 'ack':
        this.acks.push(node.attrs.id ?? '');
        return;
      case 'chatstate': {
        const state = kids(node)[0]?.tag ?? '';
        this.presence.push({ kind: 'chatstate', to: node.attrs.to ?? '', state, at: Date.now() });
        return;
      }
      case 'presence':
        this.presence.push({ kind: 'presence', state: node.attrs.type ?? 'available', at: Date.now() });
        return;
      default:
        return;
    }
  }

  async #onIq(conn: Conn, node: WaNode): Promise<void> {
    const { id = '', type, xmlns } = node.attrs;
    const first = kids(node)[0];
    const result = (content?: WaNode[], from = SERVER_JID): void =>
      conn.send({ tag: 'iq', attrs: { id, type: 'result', from }, ...(content ? { content } : {}) });
    if (type === 'result') {
      if (first?.tag === 'pair-device-sign') this.#finishPairing(conn);
      return;
    }
    if (type === 'error') return;
    const ignored = this.#ignore.indexOf(xmlns ?? '');
    if (ignored >= 0) {
      this.#ignore.splice(ignored, 1);
      this.ignoredQueries++;
      return;
    }
    switch (xmlns) {
      case 'encrypt':
        if (first?.tag === 'count') {
          const left = conn.device?.preKeys.length ?? 0;
          return result([{ tag: 'count', attrs: { value: String(left) } }]);
        }
        if (first?.tag === 'key') {
          const failure = this.#failures.shift();
          if (failure) return this.#failSend(conn, id, failure);
          return result([{ tag: 'list', attrs: {}, content: await this.#bundles(kids(first)) }]);
        }
        if (first?.tag === 'registration') {
          this.#storeUpload(conn, node);
          return result();
        }
        return result();
      case 'usync': {
        const failure = this.#failures.shift();
        if (failure) return this.#failSend(conn, id, failure);
        const users = kids(child(first, 'list')).map((u) => u.attrs.jid ?? '');
        return result([
          {
            tag: 'usync',
            attrs: {},
            content: [
              { tag: 'result', attrs: {} },
              { tag: 'list', attrs: {}, content: users.map((jid) => this.#deviceList(jid)) },
            ],
          },
        ]);
      }
      case 'passive':
        result();
        if (first?.tag === 'active' && conn.device) await this.#cameOnline(conn, conn.device);
        return;
      case 'w:sync:app:state': {
        // No patches and no snapshot: the account's app state is empty.
        const collections = kids(first).map((c) => ({
          tag: 'collection',
          attrs: { name: c.attrs.name ?? '', version: c.attrs.version ?? '0' },
        }));
        result([{ tag: 'sync', attrs: {}, content: collections }]);
        if (conn.device) conn.device.needsKeyShare = false;
        return;
      }
      case 'w:g2': {
        const group = this.#groups.get(node.attrs.to ?? '');
        if (!group) return this.#reject(conn, id, { code: 404, text: 'item-not-found' }, node.attrs.to);
        return result([groupNode(group)], group.jid);
      }
      case 'w:m': {
        if (!this.#media) return this.#reject(conn, id, { code: 404, text: 'item-not-found' });
        return result([
          {
            tag: 'media_conn',
            attrs: { auth: this.#media.auth, ttl: '3600', auth_ttl: '3600', max_buckets: '12' },
            content: [
              { tag: 'host', attrs: { hostname: this.#media.hostname, maxContentLengthBytes: '104857600' } },
            ],
          },
        ]);
      }
      case 'md':
        if (first?.tag === 'remove-companion-device') {
          // The client logs itself out: forget the device.
          const jid = first.attrs.jid ?? '';
          const { user, device } = parseJid(jid);
          this.#accounts.get(user)?.devices.delete(device);
        }
        return result();
      default:
        // ping (w:p), privacy, blocklist, props…: an empty result is a valid answer.
        return result();
    }
  }

  #reject(conn: Conn, id: string, failure: { code: number; text: string }, from = SERVER_JID): void {
    conn.send({
      tag: 'iq',
      attrs: { id, type: 'error', from },
      content: [{ tag: 'error', attrs: { code: String(failure.code), text: failure.text } }],
    });
  }

  /** An injected failNextSend: counts as a send attempt, as the send it belongs to fails. */
  #failSend(conn: Conn, id: string, failure: { code: number; text: string }): void {
    this.sendAttempts++;
    this.#reject(conn, id, failure);
  }

  #finishPairing(conn: Conn): void {
    const scan = this.#scans.get(conn);
    const pairing = conn.pairing;
    const account = pairing?.promised && this.#accounts.get(pairing.promised.phone);
    if (!scan || !pairing?.promised || !account || !conn.clientStatic) return;
    this.#scans.delete(conn);
    const { deviceId } = pairing.promised;
    const device: LinkedDevice = {
      phone: account.phone,
      id: deviceId,
      jid: `${account.phone}:${deviceId}@${S_WHATSAPP_NET}`,
      noiseKey: conn.clientStatic,
      ...pairing.registration,
      preKeys: [],
      askedForPreKeys: false,
      needsKeyShare: true,
      conn: undefined,
      queue: [],
    };
    account.devices.set(deviceId, device);
    conn.pairing = undefined;
    // As WhatsApp does after a pairing: make the client reconnect and log in.
    conn.send({ tag: 'stream:error', attrs: { code: '515' } });
    scan.resolve(device.jid);
  }

  #storeUpload(conn: Conn, node: WaNode): void {
    const device = conn.device;
    if (!device) return;
    const list = kids(child(node, 'list'));
    device.askedForPreKeys = false;
    for (const k of list) {
      device.preKeys.push({
        keyId: bytes(child(k, 'id')).readUIntBE(0, 3),
        publicKey: bytes(child(k, 'value')),
      });
    }
    const skey = child(node, 'skey');
    if (skey) {
      device.signedPreKey = {
        keyId: bytes(child(skey, 'id')).readUIntBE(0, 3),
        publicKey: bytes(child(skey, 'value')),
        signature: bytes(child(skey, 'signature')),
      };
    }
    const identity = bytes(child(node, 'identity'));
    if (identity.length) device.identity = identity;
    const reg = bytes(child(node, 'registration'));
    if (reg.length === 4) device.registrationId = reg.readUInt32BE(0);
  }

  /** The client's bundle for a new session: hands out one uploaded prekey, once. */
  #takeBundle(device: LinkedDevice): PreKeyBundle {
    const preKey = device.preKeys.shift();
    if (!preKey) throw new Error(`${device.jid} has no prekeys left on the server`);
    if (device.preKeys.length < 5 && !device.askedForPreKeys) {
      device.askedForPreKeys = true;
      // What WhatsApp does when a device runs low: Baileys answers by uploading more.
      device.conn?.send({
        tag: 'notification',
        attrs: { id: this.#nextId('enc'), type: 'encrypt', from: SERVER_JID, t: String(nowS()) },
        content: [{ tag: 'count', attrs: { value: String(device.preKeys.length) } }],
      });
    }
    return {
      registrationId: device.registrationId,
      identityKey: device.identity,
      signedPreKey: device.signedPreKey,
      preKey,
    };
  }

  async #bundles(users: WaNode[]): Promise<WaNode[]> {
    const out: WaNode[] = [];
    for (const u of users) {
      const jid = u.attrs.jid ?? '';
      const { user, device } = parseJid(jid);
      let b: PreKeyBundle;
      const linked = device ? this.#accounts.get(user)?.devices.get(device) : undefined;
      if (linked) b = this.#takeBundle(linked);
      else b = await this.#peer(user).bundle();
      out.push(bundleNode(jid, b));
    }
    return out;
  }

  /** Contacts have one device (the phone, 0); a linked account also has its companions. */
  #deviceList(jid: string): WaNode {
    const linked = [...(this.#accounts.get(parseJid(jid).user)?.devices.keys() ?? [])];
    return deviceListNode(jid, linked);
  }

  /**
   * Login complete (the client sent `passive active`): flush what waited, mark the end of offline
   * delivery, and after a fresh link let the phone share the app-state keys. Baileys buffers every
   * event from the `ib offline` on until it has creds.myAppStateKeyId and has run one app-state
   * sync; the history-sync notification is what triggers that sync (lib/Socket/chats.js).
   */
  async #cameOnline(conn: Conn, device: LinkedDevice): Promise<void> {
    conn.online = true;
    const queued = device.queue.splice(0);
    const offline = queued.filter((q) => q.offline);
    for (const q of offline) {
      const node = await q.node();
      node.attrs.offline = '1';
      conn.send(node);
    }
    conn.send({
      tag: 'ib',
      attrs: { from: SERVER_JID },
      content: [{ tag: 'offline', attrs: { count: String(offline.length) } }],
    });
    if (device.needsKeyShare) await this.#shareAppStateKeys(device);
    for (const q of queued.filter((x) => !x.offline)) conn.send(await q.node());
  }

  async #shareAppStateKeys(device: LinkedDevice): Promise<void> {
    const phone = this.#peer(device.phone);
    const send = async (message: WaMessage): Promise<void> => {
      const enc = await phone.encryptFor(device.jid, message, () => this.#takeBundle(device));
      device.conn?.send({
        tag: 'message',
        attrs: { id: this.#messageId(), from: phone.jid, t: String(nowS()), type: 'text', category: 'peer' },
        content: [{ tag: 'enc', attrs: { v: '2', type: enc.type }, content: enc.ciphertext }],
      });
    };
    await send({
      protocolMessage: {
        type: 6, // APP_STATE_SYNC_KEY_SHARE
        appStateSyncKeyShare: {
          keys: [
            {
              keyId: { keyId: randomBytes(6) },
              keyData: {
                keyData: randomBytes(32),
                fingerprint: { rawId: randomInt(1, 2 ** 31), currentIndex: 0 },
                timestamp: Date.now(),
              },
            },
          ],
        },
      },
    });
    // NON_BLOCKING_DATA is not a type Baileys downloads, so no media fetch is attempted.
    await send({ protocolMessage: { type: 5, historySyncNotification: { syncType: 5, chunkOrder: 0 } } });
  }

  #deliver(device: LinkedDevice, build: () => Promise<WaNode>): void {
    const conn = device.conn;
    if (conn?.online && conn.open) {
      conn.chain = conn.chain
        .then(async () => {
          const node = await build();
          // Closed meanwhile: keep the (already encrypted) node for the next login.
          if (conn.open) conn.send(node);
          else device.queue.push({ node: async () => node, offline: true });
        })
        .catch((error: unknown) => {
          this.errors.push(`deliver: ${String(error)}`);
        });
      return;
    }
    // Built when delivered: the first session needs the prekeys the client uploads at login.
    device.queue.push({ node: build, offline: !conn?.open });
  }

  async #onMessage(conn: Conn, node: WaNode): Promise<void> {
    const me = conn.device;
    const to = node.attrs.to ?? '';
    const id = node.attrs.id ?? '';
    if (!me) return;
    this.sendAttempts++;
    const isGroup = to.endsWith('@g.us');
    let message: WaMessage | undefined;
    const targets: WaNode[] = kids(child(node, 'participants')).filter((t) => t.tag === 'to');
    const direct = kids(node).filter((c) => c.tag === 'enc' && c.attrs.type !== 'skmsg');
    const decryptFor = async (jid: string, enc: WaNode): Promise<WaMessage | undefined> => {
      const { user } = parseJid(jid);
      const type = enc.attrs.type === 'pkmsg' ? 'pkmsg' : 'msg';
      try {
        return await this.#peer(user).decryptFrom(me.jid, type, bytes(enc));
      } catch (error) {
        this.errors.push(`decrypt ${type} for ${jid}: ${String(error)}`);
        return undefined;
      }
    };
    const recipient = parseJid(to).user;
    for (const t of targets) {
      const enc = child(t, 'enc');
      if (!enc) continue;
      const jid = t.attrs.jid ?? '';
      const m = await decryptFor(jid, enc);
      if (!m) continue;
      if (m.senderKeyDistributionMessage)
        await this.#peer(parseJid(jid).user).acceptSenderKey(me.jid, m.senderKeyDistributionMessage);
      if (!isGroup && parseJid(jid).user === recipient) message = m;
    }
    for (const enc of direct) message = (await decryptFor(to, enc)) ?? message;
    if (isGroup) {
      const skmsg = kids(node).find((c) => c.tag === 'enc' && c.attrs.type === 'skmsg');
      const group = this.#groups.get(to);
      if (skmsg && group) {
        for (const member of group.members.filter((m) => m !== me.phone)) {
          try {
            message = await this.#peer(member).decryptGroup(to, me.jid, bytes(skmsg));
            break;
          } catch (error) {
            this.errors.push(`skmsg for ${member}: ${String(error)}`);
          }
        }
      }
    }
    const ack = () => conn.send({ tag: 'ack', attrs: { id, class: 'message', from: to, t: String(nowS()) } });
    const held = this.#pass('ack');
    if (held) void held.then((goOn) => goOn && conn.open && ack());
    else ack();
    if (!message) {
      // A resend of a message the recipient already has can repeat the first copy's keys (a sender
      // that crashed before saving its ratchet): the phone knows the id and keeps the one it has.
      const chatJid = isGroup ? to : `${recipient}@${S_WHATSAPP_NET}`;
      if (this.sent.some((s) => s.id === id && s.to === chatJid)) {
        this.duplicates++;
        return;
      }
      // A message the phone cannot decrypt (the sender's session state went back, a crash): like
      // WhatsApp, ask for it again once; the client then starts a fresh session and resends it.
      const asked = this.#retryAsked.get(id) ?? 0;
      if (!isGroup && asked < 1) {
        this.#retryAsked.set(id, asked + 1);
        this.retryRequests++;
        const t = String(nowS());
        const reg = Buffer.alloc(4);
        reg.writeUInt32BE(this.#peer(recipient).registrationId);
        conn.send({
          tag: 'receipt',
          attrs: { id, from: chatJid, type: 'retry', t },
          content: [
            { tag: 'retry', attrs: { count: String(asked + 1), id, t, v: '1' } },
            { tag: 'registration', attrs: {}, content: reg },
          ],
        });
        return;
      }
      this.errors.push(`message ${id} to ${to}: nothing decryptable for the recipient`);
      return;
    }
    const content = message.deviceSentMessage?.message ?? message;
    const p = content.protocolMessage;
    if (p?.key?.id && (p.type === 0 || p.type === 14)) {
      // A revoke (delete for everyone) or an edit of one of the client's earlier messages.
      const target = this.sent.find((s) => s.id === p.key!.id);
      if (!target) {
        this.errors.push(`${p.type === 0 ? 'revoke' : 'edit'} of unknown message ${p.key.id}`);
        return;
      }
      if (p.type === 0) target.deleted = true;
      else target.editedText = textOf(p.editedMessage ?? {});
      return;
    }
    const ctx = content.extendedTextMessage?.contextInfo;
    const sent: WhatsAppSent = {
      to: isGroup ? to : `${recipient}@${S_WHATSAPP_NET}`,
      id,
      text: textOf(content),
      mentions: ctx?.mentionedJid ?? [],
      at: Date.now(),
    };
    if (ctx?.stanzaId) sent.quotedId = ctx.stanzaId;
    if (content.reactionMessage) {
      sent.reaction = {
        emoji: content.reactionMessage.text ?? '',
        targetId: content.reactionMessage.key?.id ?? '',
      };
    }
    for (const [type, { message: field }] of Object.entries(WA_MEDIA) as [
      WaMediaType,
      { message: string },
    ][]) {
      const m = (content as Record<string, WaMediaMessage | null | undefined>)[field];
      if (!m?.mediaKey || !(m.directPath || m.url)) continue;
      try {
        const data = await this.#media!.open(m.directPath || m.url!, m.mediaKey, type);
        sent.media = { type, mimeType: m.mimetype ?? '', data, ptt: m.ptt === true };
        if (m.caption) sent.media.caption = m.caption;
        if (m.fileName) sent.media.fileName = m.fileName;
        if (m.caption && !sent.text) sent.text = m.caption;
      } catch (error) {
        this.errors.push(`media of ${id}: ${String(error)}`);
      }
    }
    // The recipient's phone keeps one message per id: a resend with the same id is no new message.
    if (this.sent.some((s) => s.id === id && s.to === sent.to)) {
      this.duplicates++;
      return;
    }
    this.sent.push(sent);
  }

  // ── helpers ─────────────────────────────────────────────────────────────────

  #account(phone: string): Account {
    let a = this.#accounts.get(phone);
    if (!a) {
      a = {
        phone,
        lid: String(randomInt(10 ** 13, 10 ** 14)),
        accountKey: this.#lib.Curve.generateKeyPair(),
        devices: new Map(),
        nextDeviceId: 11,
      };
      this.#accounts.set(phone, a);
    }
    return a;
  }

  #devicesOf(phone: string): LinkedDevice[] {
    const devices = [...(this.#accounts.get(phone)?.devices.values() ?? [])];
    if (!devices.length) throw new Error(`${phone} has no linked device on this fake (scan a QR first)`);
    return devices;
  }

  #peer(user: string): SignalPeer {
    let p = this.#peers.get(user);
    if (!p) {
      p = new SignalPeer(this.#lib, user);
      this.#peers.set(user, p);
    }
    return p;
  }

  #messageId(): string {
    return `3EB0${randomBytes(9).toString('hex').toUpperCase()}`;
  }

  /**
   * The first node after the handshake (pair-device, success or failure). Baileys switches to its transport
   * keys without awaiting it (validateConnection calls `noise.finishInit()` unawaited; the HKDF is
   * async), and a frame that arrives before the switch is dropped unread, so a local server that
   * answers at once loses it. Unread means its counter is still free: the very same bytes can go
   * again. A WebSocket ping after each copy tells when the client has had it: the client answers
   * the frame at once (an iq result, its prekey-count query, or closing after a failure) in the
   * same turn as the pong, so a pong with nothing else from the client means the copy was dropped.
   */
  #sendFirst(conn: Conn, node: WaNode): void {
    const bytes = conn.seal(node);
    const seen = conn.framesIn;
    const attempt = (n: number): void => {
      if (!conn.open || this.#closed) return;
      conn.ws.send(bytes);
      conn.ws.ping();
      conn.ws.once('pong', () =>
        setImmediate(() => {
          if (conn.framesIn > seen || !conn.open) return;
          if (n >= 100) {
            this.errors.push(`conn ${conn.id}: the client never read <${node.tag}>`);
            return;
          }
          // Give its key switch a moment before the next copy.
          const t = setTimeout(() => {
            this.#timers.delete(t);
            attempt(n + 1);
          }, 5);
          this.#timers.add(t);
        }),
      );
    };
    attempt(1);
  }

  #nextId(prefix: string): string {
    return `${prefix}-${++this.#ids}`;
  }
}
