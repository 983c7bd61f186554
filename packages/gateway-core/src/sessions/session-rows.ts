import type { ChatMessage, SessionDefaults, SessionSummary } from '@openclaw/protocol';
import { type AgentCatalog, MAIN_AGENT_ID, MAIN_SESSION_KEY } from '../agents/agent-catalog.ts';
import type { SessionMessageRecord, SessionRecord } from '../store/types.ts';

/** Longest lastMessagePreview, in characters. */
const PREVIEW_CHARS = 160;

export interface RowExtras {
  activeRunId?: string | undefined;
  lastMessage?: string | undefined;
  derivedTitle?: boolean | undefined;
}

/**
 * A stored session as a row in the reference layout plus our own fields. Channel chats are of
 * kind `unknown`: whether a chat is a DM or a group is not recorded; WebChat and agent sessions
 * are `direct` (one operator with the agent).
 */
export function sessionRow(rec: SessionRecord, extras: RowExtras = {}): SessionSummary {
  const row: SessionSummary = {
    key: rec.key,
    kind: rec.kind === 'channel' ? 'unknown' : 'direct',
    origin: rec.kind,
    agentId: MAIN_AGENT_ID,
    isMain: rec.key === MAIN_SESSION_KEY,
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
  return row;
}

/** A row for a session not created yet (it will be on its first message). */
export function newSessionRecord(key: string, now: number): SessionRecord {
  return { key, kind: 'webchat', createdAtMs: now, updatedAtMs: now, messageCount: 0 };
}

/** A stored message with our fields and the reference's `{role, content, timestamp}`. */
export function chatMessageOf(m: SessionMessageRecord): ChatMessage {
  const out: ChatMessage = {
    id: m.id,
    role: m.role,
    text: m.text,
    ts: m.ts,
    content: m.role === 'assistant' ? [{ type: 'text', text: m.text }] : m.text,
    timestamp: m.ts,
    __openclaw: m.runId ? { id: m.id, seq: m.seq, runId: m.runId } : { id: m.id, seq: m.seq },
  };
  if (m.idempotencyKey) out.idempotencyKey = m.idempotencyKey;
  if (m.runId) out.runId = m.runId;
  if (m.channel) out.channel = m.channel;
  if (m.senderId) out.senderId = m.senderId;
  if (m.senderName) out.senderName = m.senderName;
  if (m.status) out.status = m.status;
  return out;
}

export function sessionDefaults(catalog: AgentCatalog): SessionDefaults {
  const m = catalog.model();
  return { modelProvider: m.provider, model: m.id, modelSelectionTarget: 'session' };
}

export function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length <= max ? flat : `${flat.slice(0, max - 1)}…`;
}
