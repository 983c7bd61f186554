// The agent a session key names, by its form alone. It lives with the store because the stores
// count sessions per key agent as they write them (status reads those counts instead of pages).

const AGENT_KEY = /^agent:([a-z0-9][a-z0-9_-]{0,63}):(.+)$/;

/**
 * The agent a session key names, by its form alone (`agent:<id>:<rest>`); undefined for keys
 * without one (channel chats of the default agent, `agent:<random>` sessions of `agent` calls).
 */
export function agentIdInKey(key: string): string | undefined {
  return AGENT_KEY.exec(key)?.[1];
}

/** The stores' bucket for keys that name no agent (no agent id is empty). */
export const NO_KEY_AGENT = '';

/** The bucket a session is counted in: the agent its key names, or NO_KEY_AGENT. */
export function keyAgentBucket(key: string): string {
  return agentIdInKey(key) ?? NO_KEY_AGENT;
}
