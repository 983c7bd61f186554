import type { RunTurnOptions } from '../store/types.ts';
import type { ModelRegistry } from './model-registry.ts';

/**
 * The models a turn tries, in order. A run's own model (a cron job's) comes first, over the
 * session's choice and the agent's default, as the reference ranks a job's model; its own
 * fallbacks replace the agent's (an empty list: none). The session's own choice is only read,
 * never changed.
 */
export function turnCandidates(
  models: Pick<ModelRegistry, 'candidates'>,
  sessionModel: string | undefined,
  agentId: string,
  turn: RunTurnOptions | undefined,
): string[] {
  return models.candidates(turn?.model ?? sessionModel, agentId, turn?.fallbacks);
}

/**
 * The tools a run offers: those the agent's config allows (`agent.tools.allow/deny`, passed in),
 * narrowed to the run's own list when it has one ('*' keeps them all). Never more than the agent's.
 */
export function narrowTools<T extends { tool: { name: string } }>(
  allowed: T[],
  turn: RunTurnOptions | undefined,
): T[] {
  const only = turn?.toolsAllow;
  if (!only || only.includes('*')) return allowed;
  return allowed.filter((t) => only.includes(t.tool.name));
}
