import type { AgentHeartbeatRun, LastHeartbeatResult } from '@openclaw/protocol';

/**
 * `last-heartbeat`: the liveness beat as before, and the newest agent heartbeat turn at the top
 * level, where the reference's clients read it (`system heartbeat last`, `status --deep`).
 */
export function lastHeartbeatView(
  liveness: LastHeartbeatResult,
  runs: readonly AgentHeartbeatRun[],
): LastHeartbeatResult {
  const newest = runs[0];
  if (!newest) return liveness;
  return { ...liveness, ...newest, agents: [...runs] };
}
