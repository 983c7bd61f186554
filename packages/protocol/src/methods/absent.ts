import { type Static, Type } from '@sinclair/typebox';
import { Strict } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

// Families this gateway does not have. Their methods exist so clients written for the reference
// gateway render without an error: each answers what is true here — nothing pending, nothing
// installed, nothing configured — in the reference's shape. None of them invents data.

const Loose = (id: string, description: string) =>
  Type.Object({}, { $id: id, additionalProperties: true, description });

const EmptyArray = (description: string) => Type.Array(Type.Unknown(), { maxItems: 0, description });

export const pluginApprovalList = defineMethod({
  name: 'plugin.approval.list',
  description: 'Pending plugin approvals: always empty (this gateway has no plugins).',
  params: Loose('PluginApprovalListParams', 'Any filters; there is nothing to filter.'),
  result: EmptyArray('No plugin approvals.'),
  scope: 'operator.approvals',
  sideEffect: false,
});

export const openclawApprovalList = defineMethod({
  name: 'openclaw.approval.list',
  description: 'Pending system-agent approvals: always empty (this gateway has no system agent).',
  params: Loose('OpenclawApprovalListParams', 'Any filters; there is nothing to filter.'),
  result: EmptyArray('No system-agent approvals.'),
  scope: 'operator.approvals',
  sideEffect: false,
});

export const sessionsObserverVisibility = defineMethod({
  name: 'sessions.observer.visibility',
  description:
    'Tell the gateway whether session observer digests are visible; there are none here, so it is only acknowledged.',
  params: Strict(
    { visible: Type.Optional(Type.Boolean({ description: 'Whether the client shows digests.' })) },
    { $id: 'SessionsObserverVisibilityParams', description: 'Visibility.' },
  ),
  result: Strict(
    { ok: Type.Literal(true, { description: 'Acknowledged.' }) },
    { $id: 'SessionsObserverVisibilityResult', description: 'Acknowledged.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const progressCardGet = defineMethod({
  name: 'progressCard.get',
  description: 'The progress card of a session: always none (runs here do not publish cards).',
  params: Loose('ProgressCardGetParams', 'Which session.'),
  result: Strict(
    { card: Type.Null({ description: 'No card.' }) },
    { $id: 'ProgressCardGetResult', description: 'No card.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsBranchesList = defineMethod({
  name: 'sessions.branches.list',
  description: 'Transcript branches of a session: always none (transcripts here are linear).',
  params: Loose('SessionsBranchesListParams', 'Which session.'),
  result: Strict(
    { branches: EmptyArray('No branches.') },
    { $id: 'SessionsBranchesListResult', description: 'No branches.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsCompanionState = defineMethod({
  name: 'sessions.companion.state',
  description: 'Companion exchanges of a session: always none (there is no companion here).',
  params: Loose('SessionsCompanionStateParams', 'Which session.'),
  result: Strict(
    { exchanges: EmptyArray('No exchanges.') },
    { $id: 'SessionsCompanionStateResult', description: 'No exchanges.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const tasksList = defineMethod({
  name: 'tasks.list',
  description: 'Background tasks: always none (agent runs here are not tasks; see agent.wait).',
  params: Loose('TasksListParams', 'Filters; there is nothing to filter.'),
  result: Strict({ tasks: EmptyArray('No tasks.') }, { $id: 'TasksListResult', description: 'No tasks.' }),
  scope: 'operator.read',
  sideEffect: false,
});

export const talkCatalog = defineMethod({
  name: 'talk.catalog',
  description: 'Voice (Talk) capabilities: none (this gateway has no speech providers).',
  params: Loose('TalkCatalogParams', 'No params.'),
  result: Strict(
    {
      modes: EmptyArray('No Talk modes.'),
      transports: EmptyArray('No transports.'),
      brains: EmptyArray('No brains.'),
      speech: Strict(
        { ready: Type.Literal(false, { description: 'Not ready.' }), providers: EmptyArray('No providers.') },
        { description: 'Speech.' },
      ),
      transcription: Strict(
        { ready: Type.Literal(false, { description: 'Not ready.' }), providers: EmptyArray('No providers.') },
        { description: 'Transcription.' },
      ),
      realtime: Strict(
        { ready: Type.Literal(false, { description: 'Not ready.' }), providers: EmptyArray('No providers.') },
        { description: 'Realtime voice.' },
      ),
    },
    { $id: 'TalkCatalogResult', description: 'Nothing available.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const pluginsList = defineMethod({
  name: 'plugins.list',
  description: 'Installed plugins: none (this gateway has no plugin system), and none can be installed.',
  params: Loose('PluginsListParams', 'No params.'),
  result: Strict(
    {
      plugins: EmptyArray('No plugins.'),
      diagnostics: EmptyArray('No diagnostics.'),
      mutationAllowed: Type.Literal(false, { description: 'Plugins cannot be installed here.' }),
    },
    { $id: 'PluginsListResult', description: 'No plugins.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

const AgentId = () =>
  Type.Optional(Type.String({ minLength: 1, description: 'Which agent; an unknown one is refused.' }));

export const skillsStatus = defineMethod({
  name: 'skills.status',
  description:
    "An agent's skills: always none (this gateway has no skills). Answers the reference report with an empty list.",
  params: Strict(
    {
      agentId: AgentId(),
      sessionKey: Type.Optional(Type.String({ minLength: 1, description: 'The session asking; ignored.' })),
    },
    { $id: 'SkillsStatusParams', description: 'Which agent.' },
  ),
  result: Strict(
    {
      agentId: Type.String({ description: 'The agent the report is for.' }),
      skills: EmptyArray('No skills.'),
    },
    { $id: 'SkillsStatusResult', description: 'No skills.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const hooksStatus = defineMethod({
  name: 'hooks.status',
  description:
    "An agent's event hooks: always none (this gateway has no hooks). Answers the reference report with an empty list.",
  params: Strict({ agentId: AgentId() }, { $id: 'HooksStatusParams', description: 'Which agent.' }),
  result: Strict({ hooks: EmptyArray('No hooks.') }, { $id: 'HooksStatusResult', description: 'No hooks.' }),
  scope: 'operator.read',
  sideEffect: false,
});

export const absentMethods = [
  pluginApprovalList,
  openclawApprovalList,
  sessionsObserverVisibility,
  progressCardGet,
  sessionsBranchesList,
  sessionsCompanionState,
  tasksList,
  talkCatalog,
  pluginsList,
  skillsStatus,
  hooksStatus,
] as const;

export type TalkCatalogResult = Static<typeof talkCatalog.result>;
