import type { InboundEnvelope, InboundMedia, InboundUpdate } from '@openclaw/gateway-core/channel';
import { normalizeIMessageId } from './config.ts';

/** The parts of BlueBubbles' serialized message (webhook `data`, query results) we read. */
export interface BbMessage {
  guid: string;
  text?: string | null;
  isFromMe?: boolean;
  /** Epoch ms. */
  dateCreated?: number | null;
  /** 0 for a message; other values are group events (renames, joins, leaves). */
  itemType?: number | null;
  handle?: { address: string; service?: string | null } | null;
  chats?: BbChat[] | null;
  attachments?: BbAttachment[] | null;
  /** Set on tapbacks (`p:0/<guid>` of the target) together with associatedMessageType. */
  associatedMessageGuid?: string | null;
  /** `love`, `-like`, … or a numeric code on older servers; absent/null for a plain message. */
  associatedMessageType?: string | number | null;
  /** An inline reply's root message. */
  threadOriginatorGuid?: string | null;
  isAudioMessage?: boolean;
  error?: number;
}

export interface BbChat {
  /** `iMessage;-;+15551234567` (direct) or `iMessage;+;chat123…` (group); `SMS;…`/`any;…` too. */
  guid: string;
  displayName?: string | null;
  chatIdentifier?: string;
  style?: number;
  participants?: { address: string }[];
}

export interface BbAttachment {
  guid: string;
  mimeType?: string | null;
  transferName?: string | null;
  totalBytes?: number | null;
}

/** A group chat's guid has `+` as its middle part; a direct chat's has `-`. */
export function isGroupGuid(guid: string): boolean {
  return guid.split(';')[1] === '+';
}

/** The chat guid a send goes to: guids pass through, a bare address becomes an iMessage DM. */
export function chatGuidFor(chatId: string): string {
  return chatId.includes(';') ? chatId : `iMessage;-;${chatId}`;
}

/**
 * Whether the text addresses the bot by one of its names: `@Name …` or `Name: …` at the start,
 * case-insensitively. That is how people talk to a bot in an iMessage group, which has no
 * mention entities the server could report.
 */
export function addressesBot(text: string, names: readonly string[]): boolean {
  const t = text.trimStart().toLowerCase();
  for (const raw of names) {
    const name = raw.toLowerCase();
    if (t.startsWith(`@${name}`)) {
      const next = t.slice(name.length + 1);
      if (next === '' || /^[\s,:;.!?]/.test(next)) return true;
    }
    if (t.startsWith(name) && /^\s*:/.test(t.slice(name.length))) return true;
  }
  return false;
}

/** A tapback (or its removal): iMessage stores it as a message pointing at its target. */
function isTapback(m: BbMessage): boolean {
  const t = m.associatedMessageType;
  return t !== undefined && t !== null && t !== '' && t !== 0 && t !== '0';
}

function mediaKind(a: BbAttachment, audioMessage: boolean): InboundMedia['kind'] {
  const type = a.mimeType ?? '';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('video/')) return 'video';
  if (type.startsWith('audio/')) return audioMessage ? 'voice' : 'audio';
  return 'file';
}

/**
 * BlueBubbles → envelope, for messages from other people only: our own messages (isFromMe),
 * tapbacks, group events and empty messages give undefined. `fetchAttachment` downloads
 * GET /api/v1/attachment/:guid/download when someone needs the bytes.
 */
export function normalizeMessage(
  m: BbMessage,
  accountId: string,
  mentionNames: readonly string[],
  fetchAttachment: (guid: string) => Promise<Uint8Array>,
): InboundEnvelope | undefined {
  if (!m || typeof m.guid !== 'string' || !m.guid) return undefined;
  if (m.isFromMe) return undefined;
  if (isTapback(m)) return undefined;
  if (m.itemType !== undefined && m.itemType !== null && m.itemType !== 0) return undefined;
  const address = m.handle?.address;
  if (!address) return undefined;
  const attachments = m.attachments ?? [];
  // Messages.app puts U+FFFC where each attachment sits in the body; it is not text.
  const text = (m.text ?? '').replace(/\uFFFC/g, '').trim();
  if (!text && attachments.length === 0) return undefined;

  const senderId = normalizeIMessageId(address);
  const chat = m.chats?.[0];
  // Webhook payloads trimmed for size can lose participants but keep chats; without any chat the
  // sender's DM is the only place this can have come from.
  const chatId = chat?.guid || `${m.handle?.service || 'iMessage'};-;${address}`;
  const group = isGroupGuid(chatId);
  const env: InboundEnvelope = {
    channel: 'imessage',
    accountId,
    id: m.guid,
    at: typeof m.dateCreated === 'number' ? m.dateCreated : Date.now(),
    chat: { kind: group ? 'group' : 'direct', id: chatId },
    sender: { id: senderId, isBot: false, isSelf: false },
    text,
    mentions: { bot: addressesBot(text, mentionNames), userIds: [] },
    media: [],
    raw: m,
  };
  if (group && chat?.displayName) env.chat.title = chat.displayName;
  if (m.threadOriginatorGuid) env.replyTo = { id: m.threadOriginatorGuid };
  for (const a of attachments) {
    if (!a?.guid) continue;
    const media: InboundMedia = {
      kind: mediaKind(a, m.isAudioMessage === true),
      fetch: () => fetchAttachment(a.guid),
    };
    if (a.mimeType) media.mimeType = a.mimeType;
    if (a.transferName) media.fileName = a.transferName;
    if (a.totalBytes) media.size = a.totalBytes;
    env.media.push(media);
  }
  return env;
}

/** Tapbacks by BlueBubbles' names (and Messages' numeric codes: 2000–2005 add, 3000–3005 remove). */
const TAPBACK_EMOJI: Readonly<Record<string, string>> = {
  love: '❤️',
  like: '👍',
  dislike: '👎',
  laugh: '😂',
  emphasize: '‼️',
  question: '❓',
};
const TAPBACK_CODES = ['love', 'like', 'dislike', 'laugh', 'emphasize', 'question'];

/**
 * A tapback from someone else, as a reaction update of the message it targets
 * (`associatedMessageGuid` is `p:<part>/<guid>` or the guid); undefined for anything else.
 */
export function normalizeTapback(m: BbMessage, accountId: string): InboundUpdate | undefined {
  if (!m || m.isFromMe || !isTapback(m)) return undefined;
  const address = m.handle?.address;
  const target = m.associatedMessageGuid?.replace(/^(?:p:\d+\/|bp:)/, '');
  if (!address || !target) return undefined;
  const raw = String(m.associatedMessageType);
  const code = Number(raw);
  const removed = raw.startsWith('-') || (Number.isFinite(code) && code >= 3000);
  const name = Number.isFinite(code) ? TAPBACK_CODES[code % 1000] : raw.replace(/^-/, '');
  const emoji = name ? TAPBACK_EMOJI[name] : undefined;
  if (!emoji) return undefined;
  const chat = m.chats?.[0];
  return {
    type: 'reaction',
    channel: 'imessage',
    accountId,
    chat: { id: chat?.guid || `${m.handle?.service || 'iMessage'};-;${address}` },
    messageId: target,
    senderId: normalizeIMessageId(address),
    at: typeof m.dateCreated === 'number' ? m.dateCreated : Date.now(),
    emoji,
    removed,
  };
}
