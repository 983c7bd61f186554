import { type Static, Type } from '@sinclair/typebox';
import { NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

/** Thinking levels as the reference's pickers read them: `{id, label}`. */
function ThinkingLevelRows(description: string) {
  return Type.Array(
    Strict(
      { id: NonEmptyString('Level.'), label: NonEmptyString('How it is shown.') },
      { description: 'One level.' },
    ),
    { description },
  );
}

const AgentId = NonEmptyString('Agent id (main, and those in the agents.list config).', { maxLength: 128 });

export const AgentModelRef = Strict(
  {
    primary: Type.Optional(NonEmptyString('provider/model that answers this agent.')),
    fallbacks: Type.Optional(
      Type.Array(NonEmptyString('provider/model'), { description: 'Tried in order on a retryable failure.' }),
    ),
  },
  { description: 'The model behind an agent.' },
);

export const AgentListEntry = Strict(
  {
    id: AgentId,
    kind: Type.Literal('agent', { description: 'An ordinary agent (not a system agent).' }),
    name: Type.Optional(NonEmptyString('Display name.')),
    model: Type.Optional(AgentModelRef),
    thinkingLevels: Type.Optional(
      ThinkingLevelRows("The levels the agent's default model takes (by its provider's API)."),
    ),
    thinkingOptions: Type.Optional(
      Type.Array(NonEmptyString('Label.'), { description: 'The labels of thinkingLevels (the older name).' }),
    ),
    thinkingDefault: Type.Optional(
      NonEmptyString(
        "The level the agent's turns use when neither the turn nor its session names one: its thinkingDefault, else agent.thinkingDefault, else off (as its default model takes it).",
      ),
    ),
  },
  { $id: 'AgentListEntry', description: 'One agent the gateway can run.' },
);

export const AgentsListResult = Strict(
  {
    defaultId: AgentId,
    ownership: Type.Union([Type.Literal('sole'), Type.Literal('legacy')], {
      description:
        'sole: one agent answers everything; legacy: several agents, and what no binding sends elsewhere goes to the default one.',
    }),
    selectionRequired: Type.Boolean({
      description: 'Callers must name an agent (never: the default agent answers otherwise).',
    }),
    mainKey: NonEmptyString('Name of each agent main session (agent:<id>:<mainKey>).'),
    scope: Type.Literal('per-sender', { description: 'Sessions are per conversation, not one global.' }),
    agents: Type.Array(AgentListEntry, { description: 'The agents.' }),
  },
  { $id: 'AgentsListResult', description: 'Agents and how sessions are named.' },
);

export const agentsList = defineMethod({
  name: 'agents.list',
  description: 'The agents this gateway runs: main (the default) and those configured in agents.list.',
  params: Strict({}, { $id: 'AgentsListParams', description: 'No params.' }),
  result: AgentsListResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const AgentIdentityResult = Strict(
  {
    agentId: AgentId,
    name: NonEmptyString('Display name.'),
    nameSource: Type.Union([Type.Literal('config'), Type.Literal('default')], {
      description: 'config: from the agent entry (agents.list); default: the built-in name.',
    }),
    avatar: Type.Optional(NonEmptyString('A short avatar text (its first letter).')),
  },
  { $id: 'AgentIdentityResult', description: 'How an agent presents itself.' },
);

export const agentIdentityGet = defineMethod({
  name: 'agent.identity.get',
  description: 'The display identity of an agent (or of the agent behind a session).',
  params: Strict(
    {
      agentId: Type.Optional(AgentId),
      sessionKey: Type.Optional(Type.String({ description: 'Session whose agent to describe.' })),
    },
    { $id: 'AgentIdentityParams', description: 'Which agent.' },
  ),
  result: AgentIdentityResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const ModelChoice = Strict(
  {
    id: NonEmptyString('Model id at its provider.'),
    name: NonEmptyString('Display name.'),
    provider: NonEmptyString('Provider id: echo (built in) or openai-compatible.'),
    available: Type.Boolean({ description: 'Configured and usable now.' }),
    unavailableReason: Type.Optional(
      Type.Literal('missing-auth', { description: 'A hosted API (openai, anthropic) with no key found.' }),
    ),
    reasoning: Type.Boolean({
      description:
        "Thinking levels are sent to it (its provider's API takes them); false for the built-in echo. Not whether the model itself is known to reason.",
    }),
    thinkingLevels: Type.Optional(ThinkingLevelRows("The levels it takes (by its provider's API).")),
    thinkingDefault: Type.Optional(
      NonEmptyString(
        "The agent's default level (its thinkingDefault, else agent.thinkingDefault, else off) as this model takes it.",
      ),
    ),
    tags: Type.Array(Type.String(), { description: 'default: the model the agent uses.' }),
    input: Type.Optional(
      Type.Array(Type.Union([Type.Literal('text'), Type.Literal('image')]), {
        description:
          'What a turn sends the model (with includeDetails): image when agent.openai.vision is on.',
      }),
    ),
    contextWindow: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'Context window in tokens: agent.contextTokensByModel, else agent.contextTokens (with includeDetails).',
      }),
    ),
    contextTokens: Type.Optional(
      Type.Integer({
        minimum: 1,
        description:
          'The context size turns are fitted to: the same configured window (with includeDetails).',
      }),
    ),
    local: Type.Optional(
      Type.Boolean({
        description:
          'Answered on this machine or network: the built-in echo, or a provider at a loopback, private or .local address (with includeDetails).',
      }),
    ),
  },
  { $id: 'ModelChoice', description: 'One model a session can use.' },
);

export const modelsList = defineMethod({
  name: 'models.list',
  description: 'The models this gateway can answer with: the one configured backend.',
  params: Strict(
    {
      agentId: Type.Optional(AgentId),
      view: Type.Optional(
        Type.Union(
          [
            Type.Literal('default'),
            Type.Literal('configured'),
            Type.Literal('provider-config'),
            Type.Literal('all'),
          ],
          { description: 'Catalog view; every view is the same single model here.' },
        ),
      ),
      refresh: Type.Optional(
        Type.Boolean({ description: 'Accepted; there is no remote catalog to refresh.' }),
      ),
      preparedOnly: Type.Optional(Type.Boolean({ description: 'Accepted; reads are always passive.' })),
      provider: Type.Optional(
        NonEmptyString("Only this provider's models; a provider the config does not name is refused."),
      ),
      includeDetails: Type.Optional(
        Type.Boolean({ description: 'Add input, contextWindow, contextTokens and local to each row.' }),
      ),
      includeProviderCapabilities: Type.Optional(
        Type.Boolean({ description: 'Accepted; no provider capabilities are listed.' }),
      ),
    },
    { $id: 'ModelsListParams', description: 'Catalog query.' },
  ),
  result: Strict(
    { models: Type.Array(ModelChoice, { description: 'Models.' }) },
    { $id: 'ModelsListResult', description: 'The model catalog.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const ModelAuthProvider = Strict(
  {
    provider: NonEmptyString('Provider id.'),
    authProvider: NonEmptyString('Provider whose credentials apply.'),
    displayName: NonEmptyString('Display name.'),
    status: Type.Union([Type.Literal('static'), Type.Literal('missing')], {
      description: 'static: needs no login (configured key or none needed); missing: no key found.',
    }),
    profiles: Type.Array(Type.Unknown(), { description: 'Login profiles (none: keys come from config).' }),
  },
  { $id: 'ModelAuthProvider', description: 'Credential state of one provider.' },
);

export const modelsAuthStatus = defineMethod({
  name: 'models.authStatus',
  description: 'Whether the configured model backend has the credentials it needs (never the secret).',
  params: Strict(
    {
      agentId: Type.Optional(Type.String({ description: 'Agent (main).' })),
      refresh: Type.Optional(Type.Boolean({ description: 'Check again now (always fresh here).' })),
    },
    { $id: 'ModelsAuthStatusParams', description: 'Which agent.' },
  ),
  result: Strict(
    {
      ts: TimestampMs('When it was checked.'),
      providers: Type.Array(ModelAuthProvider, { description: 'Providers in use.' }),
      providerCapabilities: Type.Array(Type.Unknown(), { description: 'Login flows offered (none).' }),
    },
    { $id: 'ModelsAuthStatusResult', description: 'Credential state.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const agentsMethods = [agentsList, agentIdentityGet, modelsList, modelsAuthStatus] as const;

export type AgentsListResult = Static<typeof AgentsListResult>;
export type AgentIdentityResult = Static<typeof AgentIdentityResult>;
export type ModelChoice = Static<typeof ModelChoice>;
export type ModelAuthProvider = Static<typeof ModelAuthProvider>;
