import type { ChatMessage } from '@openclaw/protocol';
import type { Store } from '../store/types.ts';
import { shownInChat } from './heartbeat-transcript.ts';
import { chatMessageOf } from './session-rows.ts';

/**
 * One page of a session's chat (chat.history), newest last: `cursor` is the seq the page ends
 * before; `nextCursor` is there while older messages remain. Heartbeat-only turns are left out.
 */
export async function historyPage(
  store: Pick<Store, 'sessions'>,
  sessionKey: string,
  limit: number,
  cursor?: string,
): Promise<{ sessionKey: string; messages: ChatMessage[]; nextCursor?: string }> {
  const beforeSeq = cursor ? Number.parseInt(cursor, 10) : undefined;
  const page = await store.sessions.history(sessionKey, {
    limit,
    beforeSeq: Number.isFinite(beforeSeq) ? beforeSeq : undefined,
  });
  const out: { sessionKey: string; messages: ChatMessage[]; nextCursor?: string } = {
    sessionKey,
    messages: page.filter(shownInChat).map(chatMessageOf),
  };
  const first = page[0];
  if (first && first.seq > 1 && page.length === limit) out.nextCursor = String(first.seq);
  return out;
}
