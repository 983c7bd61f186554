import type { GatewayConfig } from '@openclaw/protocol';
import type { RunSettings } from './session-runs.ts';

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
    };
  };
}
