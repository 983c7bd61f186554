import type { GatewayConfig } from '@openclaw/protocol';
import type { SessionBounds } from '../store/types.ts';

export interface RunSettings {
  timeoutMs: number;
  queueMode: 'queue' | 'merge';
  historyMessages: number;
  /** History kept per session, enforced on every append. */
  bounds?: SessionBounds | undefined;
  /** Runs that may wait behind a session's active one; more are refused (`agent.maxQueuedRuns`). */
  maxQueuedRuns?: number | undefined;
  /** A run a restart cut short is run again once, from its last stored step (`agent.resumeInterrupted`). */
  resumeInterrupted?: boolean | undefined;
}

/** How runs behave when nothing configures them (tests, embedding). */
export const DEFAULT_RUN_SETTINGS: RunSettings = {
  timeoutMs: 600_000,
  queueMode: 'queue',
  historyMessages: 20,
};

/** How runs behave, read from the live config on every run. */
export function runSettings(config: () => GatewayConfig): () => RunSettings {
  return () => {
    const c = config();
    return {
      timeoutMs: c.agent.timeoutMs,
      queueMode: c.agent.queueMode,
      historyMessages: c.agent.openai.historyMessages,
      bounds: { maxMessages: c.sessions.maxMessagesPerSession, maxBytes: c.sessions.maxBytesPerSession },
      maxQueuedRuns: c.agent.maxQueuedRuns,
      resumeInterrupted: c.agent.resumeInterrupted,
    };
  };
}
