import { type GatewayConfig, gatewayError } from '@openclaw/protocol';
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
  /** Clean stops a run is handed over through; the next one ends it interrupted (`agent.maxHandovers`). */
  maxHandovers?: number | undefined;
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
      maxHandovers: c.agent.maxHandovers,
    };
  };
}

/** True when a session with `queued` runs waiting may take no more (merging never adds one). */
export function queueIsFull(settings: RunSettings, queued: number): boolean {
  if (settings.queueMode === 'merge' || settings.maxQueuedRuns === undefined) return false;
  return queued >= settings.maxQueuedRuns;
}

/** Refuse a new run for a session whose queue is full (`agent.maxQueuedRuns`), retryable. */
export function refuseWhenFull(settings: RunSettings, sessionKey: string, queued: number): void {
  if (!queueIsFull(settings, queued)) return;
  throw gatewayError(
    'UNAVAILABLE',
    'SESSION_BUSY',
    `session ${sessionKey} already has ${queued} runs waiting (agent.maxQueuedRuns); retry when one has finished`,
    { retryable: true, retryAfterMs: 1000, details: { limit: 'agent.maxQueuedRuns', queued } },
  );
}
