import type { ChatMessage } from '@openclaw/protocol';
import type { SessionMessageRecord } from '../store/types.ts';

/** A stored session message as the protocol's chat message. */
export function toChatMessage(m: SessionMessageRecord): ChatMessage {
  const out: ChatMessage = { id: m.id, role: m.role, text: m.text, ts: m.ts };
  if (m.runId) out.runId = m.runId;
  if (m.channel) out.channel = m.channel;
  if (m.senderId) out.senderId = m.senderId;
  if (m.senderName) out.senderName = m.senderName;
  if (m.status) out.status = m.status;
  return out;
}
