import type { InboundEnvelope, InboundMedia, InboundUpdate } from '@openclaw/gateway-core/channel';

/** The parts of signal-cli's `receive --output json` envelope we read (nullable where signal-cli sends null). */
export interface SignalMentionWire {
  /** Offset of the U+FFFC placeholder in `message`, in UTF-16 units (signal-cli is Java). */
  start: number;
  length: number;
  uuid?: string | null;
  number?: string | null;
  name?: string | null;
}

export interface SignalAttachmentWire {
  id: string;
  contentType?: string | null;
  filename?: string | null;
  size?: number | null;
  caption?: string | null;
  voiceNote?: boolean;
}

export interface SignalDataMessage {
  timestamp?: number;
  message?: string | null;
  groupInfo?: { groupId: string; groupName?: string | null } | null;
  mentions?: SignalMentionWire[] | null;
  attachments?: SignalAttachmentWire[] | null;
  quote?: {
    id: number;
    author?: string | null;
    authorNumber?: string | null;
    authorUuid?: string | null;
    text?: string | null;
  } | null;
  reaction?: {
    emoji: string;
    isRemove?: boolean | null;
    targetAuthor?: string | null;
    targetAuthorNumber?: string | null;
    targetAuthorUuid?: string | null;
    targetSentTimestamp: number;
  } | null;
  remoteDelete?: { timestamp: number } | null;
}

export interface SignalEnvelope {
  source?: string | null;
  sourceNumber?: string | null;
  sourceUuid?: string | null;
  sourceName?: string | null;
  timestamp: number;
  dataMessage?: SignalDataMessage | null;
  /** An edit of an earlier message: its new data message and the original's timestamp. */
  editMessage?: { targetSentTimestamp: number; dataMessage?: SignalDataMessage | null } | null;
}

/** One item of GET /v1/receive (an array of these) or one WebSocket frame. */
export interface SignalReceiveItem {
  envelope: SignalEnvelope;
  account?: string;
}

export interface SignalSelf {
  number: string;
  uuid?: string | undefined;
}

/**
 * The chat id of a group: exactly the recipient /v2/send takes, `group.` + base64 of the envelope's
 * groupId (which is itself base64 of the internal id), so replies need no translation.
 */
export function groupChatId(groupId: string): string {
  return `group.${Buffer.from(groupId, 'utf8').toString('base64')}`;
}

export function isGroupChatId(chatId: string): boolean {
  return chatId.startsWith('group.');
}

/** Whether a number or uuid names this account. */
export function isSelfId(id: string | null | undefined, self: SignalSelf): boolean {
  if (!id) return false;
  return id === self.number || (self.uuid !== undefined && id.toLowerCase() === self.uuid);
}

function mediaKind(a: SignalAttachmentWire): InboundMedia['kind'] {
  const type = a.contentType ?? '';
  if (type.startsWith('image/')) return 'image';
  if (type.startsWith('audio/')) return a.voiceNote ? 'voice' : 'audio';
  if (type.startsWith('video/')) return 'video';
  return 'file';
}

/**
 * Signal → envelope, for messages only: typing, receipts, sync-only envelopes, reactions, deletes and
 * group updates (a dataMessage with neither text nor attachments) give undefined. `fetchAttachment`
 * downloads GET /v1/attachments/{id}.
 */
export function normalizeEnvelope(
  item: SignalReceiveItem,
  accountId: string,
  self: SignalSelf,
  fetchAttachment: (id: string) => Promise<Uint8Array>,
): InboundEnvelope | undefined {
  const e = item.envelope;
  const d = e?.dataMessage;
  if (!d) return undefined;
  const attachments = d.attachments ?? [];
  const body = d.message ?? '';
  if (!body && attachments.length === 0) return undefined;
  // Numbers are hidden for users who chose phone-number privacy; their uuid is all we get.
  const senderId = e.sourceNumber ?? e.sourceUuid ?? e.source;
  if (!senderId) return undefined;

  // Right to left, so earlier offsets stay valid while placeholders become names.
  let text = body;
  let mentioned = false;
  const userIds: string[] = [];
  for (const m of [...(d.mentions ?? [])].sort((a, b) => b.start - a.start)) {
    const who = m.number ?? m.uuid;
    if (who) userIds.unshift(who);
    const ours = isSelfId(m.number, self) || isSelfId(m.uuid, self);
    if (ours) mentioned = true;
    const length = m.length || 1;
    if (m.start < 0 || m.start + length > text.length) continue;
    const name = m.name || m.number || m.uuid || (ours ? self.number : 'unknown');
    text = `${text.slice(0, m.start)}@${name}${text.slice(m.start + length)}`;
  }
  if (!text) text = attachments.find((a) => a.caption)?.caption ?? '';

  const group = d.groupInfo?.groupId;
  const env: InboundEnvelope = {
    channel: 'signal',
    accountId,
    // signal-cli's message id is the sender's timestamp; quotes and reactions refer to it.
    id: String(d.timestamp ?? e.timestamp),
    at: e.timestamp,
    chat: group ? { kind: 'group', id: groupChatId(group) } : { kind: 'direct', id: senderId },
    sender: { id: senderId, isBot: false, isSelf: isSelfId(senderId, self) },
    text,
    mentions: { bot: mentioned, userIds },
    media: [],
    raw: e,
  };
  if (e.sourceName) env.sender.name = e.sourceName;
  if (group && d.groupInfo?.groupName) env.chat.title = d.groupInfo.groupName;
  const q = d.quote;
  if (q) {
    const r: NonNullable<InboundEnvelope['replyTo']> = { id: String(q.id) };
    const author = q.authorNumber ?? q.authorUuid ?? q.author;
    if (author) r.senderId = author;
    if (q.text) r.text = q.text;
    env.replyTo = r;
    if (isSelfId(q.authorNumber, self) || isSelfId(q.authorUuid, self) || isSelfId(q.author, self))
      env.mentions.implicit = 'reply_to_bot';
  }
  for (const a of attachments) {
    const m: InboundMedia = { kind: mediaKind(a), fetch: () => fetchAttachment(a.id) };
    if (a.contentType) m.mimeType = a.contentType;
    if (a.filename) m.fileName = a.filename;
    if (a.size) m.size = a.size;
    env.media.push(m);
  }
  return env;
}

/**
 * A reaction, a remote delete or an edit, as an update of the message it targets (messages are
 * known by their sender's timestamp); undefined for anything else.
 */
export function normalizeUpdate(item: SignalReceiveItem, accountId: string): InboundUpdate | undefined {
  const e = item.envelope;
  const senderId = e?.sourceNumber ?? e?.sourceUuid ?? e?.source;
  if (!e || !senderId) return undefined;
  const edit = e.editMessage;
  const d = edit?.dataMessage ?? e.dataMessage;
  if (!d) return undefined;
  const group = d.groupInfo?.groupId;
  const base = {
    channel: 'signal',
    accountId,
    chat: { id: group ? groupChatId(group) : senderId },
    senderId,
    at: e.timestamp,
  };
  if (edit)
    return { ...base, type: 'edit', messageId: String(edit.targetSentTimestamp), text: d.message ?? '' };
  if (d.remoteDelete) return { ...base, type: 'delete', messageId: String(d.remoteDelete.timestamp) };
  if (d.reaction)
    return {
      ...base,
      type: 'reaction',
      messageId: String(d.reaction.targetSentTimestamp),
      emoji: d.reaction.emoji,
      removed: d.reaction.isRemove === true,
    };
  return undefined;
}
