import type {
  ChatContentPart,
  ChatMedia,
  ChatMessage,
  SessionDefaults,
  SessionSummary,
} from '@openclaw/protocol';
import type { ThinkingRow } from '../agent/session-thinking.ts';
import { type AgentCatalog, MAIN_AGENT_ID, MAIN_SESSION_NAME } from '../agents/agent-catalog.ts';
import { agentIdInKey } from '../agents/agent-routing.ts';
import type { SessionMessageRecord, SessionRecord, StoredMedia } from '../store/types.ts';
import type { SessionUsageFigures } from '../usage/usage-ledger.ts';

/** Longest lastMessagePreview, in characters. */
const PREVIEW_CHARS = 160;

export interface RowExtras {
  /** The agent answering the session now: its key's, or main when that agent was removed. */
  answeredBy: string;
  activeRunId?: string | undefined;
  lastMessage?: string | undefined;
  derivedTitle?: boolean | undefined;
  /** Its latest run's tokens and cost. */
  usage?: SessionUsageFigures | undefined;
  /** Its own thinking level, the levels its model takes and its default. */
  thinking?: ThinkingRow | undefined;
}

/**
 * A stored session as a row in the reference layout plus our own fields. Channel chats are of
 * kind `unknown`: whether a chat is a DM or a group is not recorded; WebChat and agent sessions
 * are `direct` (one operator with the agent).
 */
export function sessionRow(rec: SessionRecord, extras: RowExtras): SessionSummary {
  const agentId = agentIdInKey(rec.key) ?? MAIN_AGENT_ID;
  const row: SessionSummary = {
    key: rec.key,
    kind: rec.kind === 'channel' ? 'unknown' : 'direct',
    origin: rec.kind,
    agentId,
    effectiveAgentId: extras.answeredBy,
    isMain: rec.key === `agent:${agentId}:${MAIN_SESSION_NAME}`,
    createdAtMs: rec.createdAtMs,
    updatedAtMs: rec.updatedAtMs,
    createdAt: rec.createdAtMs,
    updatedAt: rec.updatedAtMs,
    messageCount: rec.messageCount,
    hasActiveRun: extras.activeRunId !== undefined,
    activeRunIds: extras.activeRunId ? [extras.activeRunId] : [],
    archived: false,
    pinned: false,
    unread: false,
  };
  if (rec.channel) row.channel = rec.channel;
  if (rec.accountId) row.accountId = rec.accountId;
  if (rec.chatId) row.chatId = rec.chatId;
  if (rec.title) {
    row.title = rec.title;
    row.label = rec.title;
    row.displayName = rec.title;
    if (extras.derivedTitle) row.derivedTitle = rec.title;
  }
  if (extras.activeRunId) row.activeRunId = extras.activeRunId;
  if (extras.lastMessage !== undefined) row.lastMessagePreview = shorten(extras.lastMessage, PREVIEW_CHARS);
  if (extras.usage) Object.assign(row, extras.usage);
  if (extras.thinking) Object.assign(row, extras.thinking);
  return row;
}

/** A row for a session not created yet (it will be on its first message). */
export function newSessionRecord(key: string, now: number): SessionRecord {
  return { key, kind: 'webchat', createdAtMs: now, updatedAtMs: now, messageCount: 0 };
}

/** A stored message with our fields and the reference's `{role, content, timestamp}`. */
export function chatMessageOf(m: SessionMessageRecord): ChatMessage {
  const media = m.media ?? [];
  const out: ChatMessage = {
    id: m.id,
    role: m.role,
    text: m.text,
    ts: m.ts,
    content: contentOf(m, media),
    timestamp: m.ts,
    __openclaw: m.runId ? { id: m.id, seq: m.seq, runId: m.runId } : { id: m.id, seq: m.seq },
  };
  if (m.idempotencyKey) out.idempotencyKey = m.idempotencyKey;
  if (m.runId) out.runId = m.runId;
  if (m.channel) out.channel = m.channel;
  if (m.senderId) out.senderId = m.senderId;
  if (m.senderName) out.senderName = m.senderName;
  if (m.status) out.status = m.status;
  if (m.toolCallId) out.toolCallId = m.toolCallId;
  if (m.toolName) out.toolName = m.toolName;
  if (m.isError !== undefined) out.isError = m.isError;
  if (media.length) out.media = media.map(chatMediaOf);
  if (m.replyToId) out.replyToId = m.replyToId;
  if (m.editedAtMs !== undefined) out.editedAtMs = m.editedAtMs;
  if (m.deletedAtMs !== undefined) out.deletedAtMs = m.deletedAtMs;
  if (m.reactions?.length) out.reactions = m.reactions;
  return out;
}

/**
 * The reference's content: a string for user and system messages without media; otherwise parts:
 * (an assistant's) its thinking, the text, then one per attachment, then one per tool call.
 */
function contentOf(m: SessionMessageRecord, media: readonly StoredMedia[]): ChatMessage['content'] {
  const calls = m.toolCalls ?? [];
  if ((m.role === 'user' || m.role === 'system') && !media.length) return m.text;
  // What the model reasoned comes first, as the reference's transcript keeps its thinking blocks.
  const parts: ChatContentPart[] = m.reasoning ? [{ type: 'thinking', thinking: m.reasoning }] : [];
  if (m.text || (!media.length && !calls.length)) parts.push({ type: 'text', text: m.text });
  for (const x of media) parts.push(contentPartOf(x));
  for (const c of calls) parts.push({ type: 'toolCall', id: c.id, name: c.name, arguments: c.args });
  return parts;
}

function mediaUrl(ref: string): string {
  return `/__openclaw__/media/${ref}`;
}

function chatMediaOf(m: StoredMedia): ChatMedia {
  const out: ChatMedia = { kind: m.kind };
  if (m.ref) {
    out.id = m.ref;
    out.url = mediaUrl(m.ref);
  }
  if (m.mimeType) out.mimeType = m.mimeType;
  if (m.size !== undefined) out.size = m.size;
  if (m.fileName) out.fileName = m.fileName;
  if (m.caption) out.caption = m.caption;
  if (m.transcript) out.transcript = m.transcript;
  if (m.note) out.note = m.note;
  return out;
}

/**
 * One attachment as a content part in the reference layout: photos and stickers are images, voice
 * notes and audio are audio, files are `attachment` parts, and what was not stored (too large, a
 * failed download) is an `attachment_error` carrying the note.
 */
function contentPartOf(m: StoredMedia): ChatContentPart {
  const shown =
    m.kind === 'image' || m.kind === 'sticker'
      ? 'image'
      : m.kind === 'voice' || m.kind === 'audio'
        ? 'audio'
        : m.kind === 'video'
          ? 'video'
          : 'document';
  if (!m.ref) {
    const attachment: Extract<ChatContentPart, { type: 'attachment_error' }>['attachment'] = {
      code: 'MEDIA_NOT_STORED',
      kind: shown,
      label: m.note ?? m.fileName ?? `${m.kind} not stored`,
    };
    if (m.mimeType) attachment.mimeType = m.mimeType;
    return { type: 'attachment_error', attachment };
  }
  const url = mediaUrl(m.ref);
  if (shown === 'document') {
    const attachment: Extract<ChatContentPart, { type: 'attachment' }>['attachment'] = {
      url,
      kind: 'document',
      label: m.fileName ?? `${m.ref.slice(0, 16)}`,
    };
    if (m.mimeType) attachment.mimeType = m.mimeType;
    if (m.size !== undefined) attachment.sizeBytes = m.size;
    return { type: 'attachment', attachment };
  }
  const part: Extract<ChatContentPart, { type: 'image' | 'audio' | 'video' }> = {
    type: shown,
    url,
    openUrl: url,
  };
  if (m.mimeType) part.mimeType = m.mimeType;
  if (m.size !== undefined) part.sizeBytes = m.size;
  if (m.fileName) part.fileName = m.fileName;
  if (shown === 'image' && m.caption) part.alt = m.caption;
  if (m.kind === 'voice') part.isVoiceNote = true;
  return part;
}

export function sessionDefaults(catalog: AgentCatalog): SessionDefaults {
  const m = catalog.model();
  return { modelProvider: m.provider, model: m.id, modelSelectionTarget: 'session' };
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
