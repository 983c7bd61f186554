import type { PreKeyBundle } from './signal-peer.ts';
import type { ContextInfo, WaMessage, WaNode } from './wa-lib.ts';

// WABinary node helpers and the server's node shapes (what WhatsApp answers, as Baileys parses it).

export const S_WHATSAPP_NET = 's.whatsapp.net';
/**
 * The server as a jid: a user-less JID pair, which decodes to `@s.whatsapp.net`. Baileys compares
 * against that exact string (e.g. to accept a prekey-count notification), not `s.whatsapp.net`.
 */
export const SERVER_JID = '@s.whatsapp.net';

export const kids = (n: WaNode | undefined): WaNode[] => (Array.isArray(n?.content) ? n.content : []);

export const child = (n: WaNode | undefined, tag: string): WaNode | undefined =>
  kids(n).find((c) => c.tag === tag);

export const bytes = (n: WaNode | undefined): Buffer =>
  n?.content instanceof Uint8Array
    ? Buffer.from(n.content)
    : typeof n?.content === 'string'
      ? Buffer.from(n.content)
      : Buffer.alloc(0);

/** Big-endian unsigned integer in `size` bytes (key ids are 3 bytes, registration ids 4). */
export const be = (value: number, size: number): Buffer => {
  const b = Buffer.alloc(size);
  b.writeUIntBE(value, 0, size);
  return b;
};

export const nowS = (): number => Math.floor(Date.now() / 1000);

/** `user[:device]@server` → parts (device 0 when absent). */
export function parseJid(jid: string): { user: string; device: number; server: string } {
  const [addr = '', server = ''] = jid.split('@');
  const [userPart = '', device] = addr.split(':');
  return { user: userPart.split('_')[0] ?? userPart, device: device ? Number(device) : 0, server };
}

/** The text a client-sent message carries, whatever its shape. */
export function textOf(m: WaMessage): string {
  // Decoded protobufs carry "" defaults, so fall through on empty, not only on null.
  return m.conversation || m.extendedTextMessage?.text || '';
}

/** What a phone sends: plain `conversation`, or `extendedTextMessage` when it mentions or quotes. */
export function textMessage(
  text: string,
  options: { mentions?: string[]; replyTo?: { id: string; participant: string; text?: string } },
): WaMessage {
  if (!options.mentions?.length && !options.replyTo) return { conversation: text };
  const contextInfo: ContextInfo = {};
  if (options.mentions?.length) contextInfo.mentionedJid = options.mentions;
  if (options.replyTo) {
    contextInfo.stanzaId = options.replyTo.id;
    contextInfo.participant = options.replyTo.participant;
    if (options.replyTo.text !== undefined)
      contextInfo.quotedMessage = { conversation: options.replyTo.text };
  }
  return { extendedTextMessage: { text, contextInfo } };
}

/** One `<user>` of a key-fetch answer (parsed by Baileys' parseAndInjectE2ESessions). */
export function bundleNode(jid: string, b: PreKeyBundle): WaNode {
  return {
    tag: 'user',
    attrs: { jid },
    content: [
      { tag: 'registration', attrs: {}, content: be(b.registrationId, 4) },
      // KEY_BUNDLE_TYPE: Curve25519 keys.
      { tag: 'type', attrs: {}, content: Buffer.from([5]) },
      { tag: 'identity', attrs: {}, content: Buffer.from(b.identityKey) },
      {
        tag: 'skey',
        attrs: {},
        content: [
          { tag: 'id', attrs: {}, content: be(b.signedPreKey.keyId, 3) },
          { tag: 'value', attrs: {}, content: Buffer.from(b.signedPreKey.publicKey) },
          { tag: 'signature', attrs: {}, content: Buffer.from(b.signedPreKey.signature) },
        ],
      },
      {
        tag: 'key',
        attrs: {},
        content: [
          { tag: 'id', attrs: {}, content: be(b.preKey.keyId, 3) },
          { tag: 'value', attrs: {}, content: Buffer.from(b.preKey.publicKey) },
        ],
      },
    ],
  };
}

/**
 * One `<user>` of a usync device answer: device 0 (the phone) plus companions. Baileys drops a
 * non-zero device without a `key-index` (lib/Utils/signal.js extractDeviceJids).
 */
export function deviceListNode(jid: string, companions: number[]): WaNode {
  const devices: WaNode[] = [
    { tag: 'device', attrs: { id: '0' } },
    ...companions.map((id) => ({ tag: 'device', attrs: { id: String(id), 'key-index': '1' } })),
  ];
  return {
    tag: 'user',
    attrs: { jid },
    content: [{ tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devices }] }],
  };
}

export interface Group {
  jid: string;
  subject: string;
  /** Member phone numbers (the linked account is always one of them). */
  members: string[];
}

/** The `<group>` of a w:g2 metadata answer (lib/Socket/groups.js extractGroupMetadata). */
export function groupNode(group: Group): WaNode {
  const [id = ''] = group.jid.split('@');
  const creator = `${group.members[0] ?? ''}@${S_WHATSAPP_NET}`;
  return {
    tag: 'group',
    attrs: {
      id,
      subject: group.subject,
      creation: String(nowS()),
      creator,
      s_t: String(nowS()),
      s_o: creator,
    },
    content: group.members.map((m) => ({ tag: 'participant', attrs: { jid: `${m}@${S_WHATSAPP_NET}` } })),
  };
}
