import type { SessionFeed } from '../sessions/session-feed.ts';
import type { CronRunRecord, SessionMessageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

/** The reference's bounds on what a current-session run reads of its conversation. */
const MAX_LINES = 10;
const MAX_LINE_CHARS = 220;
const MAX_BLOCK_CHARS = 1400;
const HEADER = 'Recent conversation:';

function lineOf(m: SessionMessageRecord): string {
  const prefix = `- ${m.role === 'user' ? 'User' : 'Assistant'}: `;
  const room = MAX_LINE_CHARS - prefix.length;
  const text = m.text.replace(/\s+/g, ' ').trim();
  return prefix + (text.length <= room ? text : `${text.slice(0, room - 3).trimEnd()}...`);
}

/**
 * What a current-session run is told of its conversation: the newest user and assistant lines,
 * each cut short, the oldest dropped while the block is too long. Read when the job runs, so it
 * follows the conversation. Undefined when there is nothing to tell.
 */
export async function conversationContext(
  store: Pick<Store, 'sessions'>,
  sessionKey: string,
): Promise<string | undefined> {
  const recent = await store.sessions.history(sessionKey, { limit: 4 * MAX_LINES });
  const lines = recent
    .filter(
      (m) =>
        (m.role === 'user' || m.role === 'assistant') &&
        m.text.trim() !== '' &&
        m.deletedAtMs === undefined &&
        (m.status === undefined || m.status === 'complete'),
    )
    .map(lineOf)
    .slice(-MAX_LINES);
  const block = () => `${HEADER}\n${lines.join('\n')}`;
  while (lines.length > 0 && block().length > MAX_BLOCK_CHARS) lines.shift();
  return lines.length > 0 ? block() : undefined;
}

/**
 * Commit a current-session run's reply into its conversation, once per run: an assistant message
 * the conversation's viewers are told of, and its next turns read. Says how that went, as a run's
 * delivery.
 */
export async function commitToConversation(
  deps: { store: Pick<Store, 'sessions'>; feed: Pick<SessionFeed, 'messageStored'>; clock: Clock },
  sessionKey: string,
  runId: string,
  text: string | undefined,
): Promise<NonNullable<CronRunRecord['delivery']>> {
  const { store, feed, clock } = deps;
  if (!text?.trim()) return { status: 'not-delivered', error: 'the run had no reply to commit' };
  if (!(await store.sessions.get(sessionKey)))
    return { status: 'not-delivered', error: `session ${sessionKey} no longer exists` };
  const id = `${runId}|commit`;
  if (!(await store.sessions.history(sessionKey, { limit: 50 })).some((m) => m.id === id))
    feed.messageStored(
      await store.sessions.append({
        sessionKey,
        id,
        role: 'assistant',
        text,
        ts: clock.now(),
        // No runId: the run is the job session's, and trimming this session drops its messages' runs.
        status: 'complete',
      }),
    );
  return { status: 'delivered' };
}
