import type { absentMethods } from '@openclaw/protocol';
import { type AgentCatalog, MAIN_AGENT_ID } from '../agents/agent-catalog.ts';
import type { FamilyHandlers } from '../router/router.ts';
import { unknownAgent } from './agents-handlers.ts';

export interface AbsentDeps {
  agents: AgentCatalog;
}

/**
 * Families this gateway does not have, answered with what is true here (nothing pending,
 * installed or configured) in the reference's shape, so its clients render without an error.
 */
export function createAbsentHandlers({ agents }: AbsentDeps): FamilyHandlers<typeof absentMethods> {
  // The reference refuses a report for an agent no one configured; "none" would hide a typo.
  const knownAgent = (agentId: string | undefined): string => {
    const id = agentId ?? MAIN_AGENT_ID;
    if (!agents.profile(id))
      throw unknownAgent(
        id,
        agents.list().map((a) => a.id),
        'INVALID_REQUEST',
      );
    return id;
  };
  return {
    'plugin.approval.list': () => [],
    'openclaw.approval.list': () => [],
    'sessions.observer.visibility': () => ({ ok: true as const }),
    'progressCard.get': () => ({ card: null }),
    'sessions.branches.list': () => ({ branches: [] }),
    'sessions.companion.state': () => ({ exchanges: [] }),
    'tasks.list': () => ({ tasks: [] }),
    'talk.catalog': () => ({
      modes: [],
      transports: [],
      brains: [],
      speech: { ready: false as const, providers: [] },
      transcription: { ready: false as const, providers: [] },
      realtime: { ready: false as const, providers: [] },
    }),
    'plugins.list': () => ({ plugins: [], diagnostics: [], mutationAllowed: false as const }),
    'skills.status': ({ agentId }) => ({ agentId: knownAgent(agentId), skills: [] }),
    'hooks.status': ({ agentId }) => {
      knownAgent(agentId);
      return { hooks: [] };
    },
  };
}
