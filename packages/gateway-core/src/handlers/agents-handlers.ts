import { type agentsMethods, gatewayError } from '@openclaw/protocol';
import {
  type AgentCatalog,
  DEFAULT_AGENT_NAME,
  MAIN_AGENT_ID,
  MAIN_SESSION_NAME,
  type ThinkingFields,
} from '../agents/agent-catalog.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Clock } from '../util/clock.ts';

export interface AgentsDeps {
  agents: AgentCatalog;
  clock: Clock;
}

/** The error for an agent id no one configured (agent, agent.identity.get, chat.inject). */
export function unknownAgent(
  agentId: string,
  known: readonly string[],
  status: 'NOT_FOUND' | 'INVALID_REQUEST' = 'NOT_FOUND',
) {
  return gatewayError(
    status,
    'AGENT_UNKNOWN',
    `unknown agent id "${agentId}" (agents: ${known.join(', ')})`,
    {
      details: { agentId, known: [...known] },
    },
  );
}

/** agents.list, agent.identity.get, models.list, models.authStatus: main and the configured agents. */
export function createAgentsHandlers({
  agents: catalog,
  clock,
}: AgentsDeps): FamilyHandlers<typeof agentsMethods> {
  return {
    'agents.list': () => {
      const agents = catalog.list();
      return {
        defaultId: MAIN_AGENT_ID,
        // With several agents, what no binding routes goes to the default one (never refused).
        ownership: agents.length > 1 ? ('legacy' as const) : ('sole' as const),
        selectionRequired: false,
        mainKey: MAIN_SESSION_NAME,
        scope: 'per-sender' as const,
        agents: agents.map((a) => {
          const fallbacks = catalog.fallbacks(a.id);
          return {
            id: a.id,
            kind: 'agent' as const,
            name: a.name ?? (a.id === MAIN_AGENT_ID ? DEFAULT_AGENT_NAME : a.id),
            model: { primary: catalog.modelRef(a.id), ...(fallbacks.length ? { fallbacks } : {}) },
            // The levels of its default model and its default level, as the reference's picker reads them.
            ...agentThinking(catalog.thinking(catalog.modelRef(a.id), a.id)),
          };
        }),
      };
    },
    'agent.identity.get': ({ agentId, sessionKey }) => {
      const id = agentId ?? (sessionKey ? catalog.agentOf(sessionKey) : MAIN_AGENT_ID);
      const agent = catalog.profile(id);
      if (!agent)
        throw unknownAgent(
          id,
          catalog.list().map((a) => a.id),
        );
      const name = agent.name ?? (id === MAIN_AGENT_ID ? DEFAULT_AGENT_NAME : id);
      return {
        agentId: id,
        name,
        nameSource: agent.name ? ('config' as const) : ('default' as const),
        avatar: name.slice(0, 1),
      };
    },
    'models.list': async ({ agentId, provider, includeDetails }) => {
      if (agentId !== undefined && !catalog.profile(agentId))
        throw unknownAgent(
          agentId,
          catalog.list().map((a) => a.id),
          'INVALID_REQUEST',
        );
      return { models: await catalog.choices({ agentId, provider, details: includeDetails }) };
    },
    'models.authStatus': async () => {
      const m = catalog.model();
      const found = await catalog.credentialFound();
      return {
        ts: clock.now(),
        providers: [
          {
            provider: m.provider,
            authProvider: m.provider,
            displayName: m.provider === 'echo' ? 'Echo (built in)' : 'OpenAI-compatible server',
            status: found ? ('static' as const) : ('missing' as const),
            profiles: [],
          },
        ],
        providerCapabilities: [],
      };
    },
  };
}

/** An agent row's thinking fields (the reference's AgentSummary has no `reasoning`). */
function agentThinking({ reasoning: _reasoning, ...fields }: ThinkingFields) {
  return fields;
}
