import type { Store } from '../store/types.ts';

/** What a session reset touches: its runs, its transcript, the agent's state beside it, its watchers. */
export interface SessionResetDeps {
  store: Pick<Store, 'sessions'>;
  /** Abort the session's active and queued runs and wait until they have ended. */
  stopRuns(sessionKey: string): Promise<void>;
  /** Forget the agent's state of the session (summary, token figures; its own model and levels stay). */
  forget?: ((sessionKey: string) => Promise<void>) | undefined;
  /** Tell sessions.subscribe watchers (a `reset` change). */
  changed(sessionKey: string): void;
}

/**
 * Reset a session in place, as sessions.reset does and the chat commands `/new` and `/reset`
 * do: its runs stop first (so none writes into the emptied transcript), then its messages and
 * the agent's state go. Undefined when there is no such session; else how many messages went.
 */
export async function resetSession(d: SessionResetDeps, sessionKey: string): Promise<number | undefined> {
  if (!(await d.store.sessions.get(sessionKey))) return undefined;
  await d.stopRuns(sessionKey);
  const removed = await d.store.sessions.trim(sessionKey, 0);
  await d.forget?.(sessionKey);
  d.changed(sessionKey);
  return removed;
}
