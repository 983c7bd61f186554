import { type agentsMethods, gatewayError } from '@openclaw/protocol';
import {
  type AgentCatalog,
  DEFAULT_AGENT_NAME,
  MAIN_AGENT_ID,
  MAIN_SESSION_NAME,
} from '../agents/agent-catalog.ts';
import type { FamilyHandlers } from '../router/router.ts';
import type { Clock } from '../util/clock.ts';

export interface AgentsDeps {
  agents: AgentCatalog;
  clock: Clock;
}

/** agents.list, agent.identity.get, models.list, models.authStatus: one agent, one model. */
export function createAgentsHandlers({
  agents: catalog,
  clock,
}: AgentsDeps): FamilyHandlers<typeof agentsMethods> {
  return {
    'agents.list': () => ({
      defaultId: MAIN_AGENT_ID,
      ownership: 'sole' as const,
      selectionRequired: false,
      mainKey: MAIN_SESSION_NAME,
      scope: 'per-sender' as const,
      agents: [
        {
          id: MAIN_AGENT_ID,
          kind: 'agent' as const,
          name: DEFAULT_AGENT_NAME,
          model: { primary: catalog.modelRef() },
        },
      ],
    }),
    'agent.identity.get': ({ agentId }) => {
      if (agentId !== undefined && agentId !== MAIN_AGENT_ID) {
        throw gatewayError('NOT_FOUND', 'AGENT_UNKNOWN', `unknown agent id "${agentId}"`, {
          details: { agentId, known: [MAIN_AGENT_ID] },
        });
      }
      return {
        agentId: MAIN_AGENT_ID,
        name: DEFAULT_AGENT_NAME,
        nameSource: 'default' as const,
        avatar: DEFAULT_AGENT_NAME.slice(0, 1),
      };
    },
    'models.list': async ({ provider, includeDetails }) => ({
      models: await catalog.choices({ provider, details: includeDetails }),
    }),
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
