import type { InboundEnvelope, InboundMedia, InboundUpdate } from '@openclaw/gateway-core/channel';
import type { proto, WAMessage } from '@whiskeysockets/baileys';
import { baileys } from './baileys.ts';

/** The linked account as Baileys reports it (`sock.user`). */
export interface WhatsAppSelf {
  /** `<number>:<device>@s.whatsapp.net`. */
  id: string;
  /** `<lid>:<device>@lid`, WhatsApp's privacy id; mentions may use it instead of the number. */
  lid?: string | undefined;
  name?: string | undefined;
}

/** The user part of a jid (`15550001:3@s.whatsapp.net` → `15550001`). */
export function userOf(jid: string): string {
  return baileys.jidDecode(jid)?.user ?? jid.split('@')[0]?.split(':')[0] ?? jid;
}

/** A core chat id (a jid, or a bare number for a DM) → the jid Baileys sends to. */
export function toJid(chatId: string): string {
  if (chatId.includes('@')) return chatId;
  const digits = chatId.replace(/[^\d]/g, '');
  if (!digits) throw new Error(`not a WhatsApp chat id: ${chatId}`);
  return `${digits}@s.whatsapp.net`;
}

function isSelf(jid: string | null | undefined, self: WhatsAppSelf | undefined): boolean {
  if (!jid || !self) return false;
  return (
    baileys.areJidsSameUser(jid, self.id) ||
    (self.lid !== undefined && baileys.areJidsSameUser(jid, self.lid))
  );
}

/** The visible text of a message: the body, or a media caption. */
export function textOf(m: proto.IMessage | null | undefined): string {
  if (!m) return '';
  // Decoded protobufs default strings to "", so `||` (not `??`) falls through to the next shape.
  return (
    m.conversation ||
    m.extendedTextMessage?.text ||
    m.imageMessage?.caption ||
    m.videoMessage?.caption ||
    m.documentMessage?.caption ||
    ''
  );
}

function contextOf(m: proto.IMessage): proto.IContextInfo | undefined {
  const type = baileys.getContentType(m);
  if (!type) return undefined;
  const part = m[type] as { contextInfo?: proto.IContextInfo | null } | null | undefined;
  return (typeof part === 'object' && part?.contextInfo) || undefined;
}

/** The media of a message, downloaded (and decrypted) only when the core asks for the bytes. */
function mediaOf(
  m: WAMessage,
  content: proto.IMessage,
  download: (m: WAMessage) => Promise<Uint8Array>,
): InboundMedia[] {
  const parts: [InboundMedia['kind'], proto.Message.IImageMessage | null | undefined][] = [
    ['image', content.imageMessage],
    ['video', content.videoMessage],
    [content.audioMessage?.ptt ? 'voice' : 'audio', content.audioMessage],
    ['file', content.documentMessage],
    ['sticker', content.stickerMessage],
  ];
  const out: InboundMedia[] = [];
  for (const [kind, part] of parts) {
    if (!part) continue;
    const item: InboundMedia = { kind, fetch: () => download(m) };
    if (part.mimetype) item.mimeType = part.mimetype;
    const length =
      part.fileLength === undefined || part.fileLength === null ? undefined : Number(part.fileLength);
    if (length !== undefined && Number.isFinite(length)) item.size = length;
    const name = (part as proto.Message.IDocumentMessage).fileName;
    if (name) item.fileName = name;
    out.push(item);
  }
  return out;
}

/**
 * Baileys message → envelope, or undefined for what is not a conversation message: our own
 * messages (other devices and our sends echo back), status and broadcast lists, newsletters,
 * protocol messages (key shares, edits, deletes), reactions, and anything without text.
 * A DM's chat id is the remote jid; the sender id is the jid's user (the phone number).
 */
export function normalizeMessage(
  m: WAMessage,
  accountId: string,
  self: WhatsAppSelf | undefined,
  download?: (m: WAMessage) => Promise<Uint8Array>,
): InboundEnvelope | undefined {
  const key = m.key;
  const remoteJid = key.remoteJid;
  if (!remoteJid || !key.id || key.fromMe) return undefined;
  if (
    baileys.isJidStatusBroadcast(remoteJid) ||
    baileys.isJidBroadcast(remoteJid) ||
    baileys.isJidNewsletter(remoteJid)
  )
    return undefined;
  const content = baileys.normalizeMessageContent(m.message);
  if (!content || content.protocolMessage || content.reactionMessage) return undefined;
  const text = textOf(content);
  const media = download ? mediaOf(m, content, download) : [];
  if (!text && media.length === 0) return undefined;
  const group = baileys.isJidGroup(remoteJid) === true;
  const senderJid = group ? key.participant : remoteJid;
  if (!senderJid) return undefined;
  const ctx = contextOf(content);
  const mentioned = ctx?.mentionedJid ?? [];
  const env: InboundEnvelope = {
    channel: 'whatsapp',
    accountId,
    id: key.id,
    at: m.messageTimestamp ? baileys.toNumber(m.messageTimestamp) * 1000 : Date.now(),
    chat: { kind: group ? 'group' : 'direct', id: remoteJid },
    sender: { id: userOf(senderJid), isBot: false, isSelf: isSelf(senderJid, self) },
    text,
    mentions: {
      bot: mentioned.some((j) => isSelf(j, self)),
      userIds: mentioned.map(userOf),
    },
    media,
    raw: m,
  };
  if (m.pushName) env.sender.name = m.pushName;
  if (ctx?.stanzaId) {
    const r: NonNullable<InboundEnvelope['replyTo']> = { id: ctx.stanzaId };
    if (ctx.participant) r.senderId = userOf(ctx.participant);
    const quoted = textOf(ctx.quotedMessage);
    if (quoted) r.text = quoted;
    env.replyTo = r;
    if (isSelf(ctx.participant, self)) env.mentions.implicit = 'reply_to_bot';
  }
  return env;
}

/**
 * A reaction, a delete for everyone (revoke) or an edit from someone else, as an update of the
 * message it targets; undefined for anything else.
 */
export function normalizeUpdate(m: WAMessage, accountId: string): InboundUpdate | undefined {
  const key = m.key;
  const remoteJid = key.remoteJid;
  if (!remoteJid || key.fromMe) return undefined;
  const content = baileys.normalizeMessageContent(m.message);
  if (!content) return undefined;
  const group = baileys.isJidGroup(remoteJid) === true;
  const senderJid = group ? key.participant : remoteJid;
  if (!senderJid) return undefined;
  const base = {
    channel: 'whatsapp',
    accountId,
    chat: { id: remoteJid },
    senderId: userOf(senderJid),
    at: m.messageTimestamp ? baileys.toNumber(m.messageTimestamp) * 1000 : Date.now(),
  };
  const r = content.reactionMessage;
  if (r?.key?.id) {
    // An empty reaction takes the sender's reaction back; WhatsApp does not say which emoji it was.
    return { ...base, type: 'reaction', messageId: r.key.id, emoji: r.text ?? '', removed: !r.text };
  }
  const p = content.protocolMessage;
  const REVOKE = 0;
  const MESSAGE_EDIT = 14;
  if (p?.key?.id && p.type === REVOKE) return { ...base, type: 'delete', messageId: p.key.id };
  if (p?.key?.id && p.type === MESSAGE_EDIT)
    return { ...base, type: 'edit', messageId: p.key.id, text: textOf(p.editedMessage) };
  return undefined;
}
