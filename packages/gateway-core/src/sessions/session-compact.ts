import type { Store } from '../store/types.ts';

/** What a compaction did to a session's transcript. */
export interface CompactOutcome {
  removedMessages: number;
  keptMessages: number;
  /** The removed messages were summarised first (a model answers the session). */
  summarized: boolean;
}

/** What a compaction touches: the transcript, the agent's summary, the session's watchers. */
export interface SessionCompactDeps {
  store: Pick<Store, 'sessions'>;
  /** Summarise what a trim to the newest `keep` messages removes; false when nothing was summarised. */
  summarize?: ((key: string, keep: number, instructions?: string) => Promise<boolean>) | undefined;
  /** Tell sessions.subscribe watchers (a `compact` change). */
  changed(sessionKey: string): void;
}

/**
 * Compact a session as sessions.compact does and the chat command `/compact` does: the messages
 * older than the newest `keep` are summarised (with the user's instructions, if any) and then
 * removed. A summary that fails removes nothing (the error goes to the caller). Undefined when
 * there is no such session.
 */
export async function compactSession(
  d: SessionCompactDeps,
  key: string,
  keep: number,
  instructions?: string,
): Promise<CompactOutcome | undefined> {
  const rec = await d.store.sessions.get(key);
  if (!rec) return undefined;
  const summarized = (await d.summarize?.(key, keep, instructions)) ?? false;
  const removedMessages = await d.store.sessions.trim(key, keep);
  d.changed(key);
  return { removedMessages, keptMessages: Math.max(0, rec.messageCount - removedMessages), summarized };
}
