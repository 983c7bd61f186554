import { type Static, Type } from '@sinclair/typebox';
import { reasoningLevelSchema, thinkingLevelSchema } from '../schema/thinking.ts';
import type { ConfigIssue } from './config-issues.ts';
import { AgentHeartbeatConfig, heartbeatConfigIssues, ownerAllowFromIssues } from './heartbeat-config.ts';

/** The agent every gateway runs: it answers what no binding sends elsewhere, with the `agent` section. */
export const DEFAULT_AGENT_ID = 'main';

/** Agent ids appear in session keys (`agent:<id>:…`) and state dir paths, so they are kept plain. */
const AgentIdPattern = '^[a-z0-9][a-z0-9_-]{0,63}$';

const ModelName = Type.String({
  pattern: '^[^/\\s]+/\\S+$',
  description: 'A model by name: `provider/model`.',
});

const ToolNames = (description: string) => Type.Array(Type.String(), { description });

export const AgentEntry = Type.Object(
  {
    id: Type.String({
      pattern: AgentIdPattern,
      description:
        'Stable agent id (lower-case letters, digits, - and _). `main` is the default agent: an entry with that id changes it.',
    }),
    name: Type.Optional(Type.String({ minLength: 1, description: 'Display name (agents.list, identity).' })),
    model: Type.Optional(
      Type.Union(
        [
          ModelName,
          Type.Object(
            {
              primary: ModelName,
              fallbacks: Type.Optional(
                Type.Array(ModelName, { description: 'Tried in order on a retryable failure.' }),
              ),
            },
            { additionalProperties: false },
          ),
        ],
        {
          description:
            'The model that answers this agent: `provider/model`, or `{primary, fallbacks}`. A model given here uses only the fallbacks given with it. Absent: agent.model and agent.fallbacks.',
        },
      ),
    ),
    tools: Type.Optional(
      Type.Object(
        {
          allow: Type.Optional(ToolNames('Only these tools are offered to this agent. Absent: all.')),
          deny: Type.Optional(ToolNames('Tools never offered to this agent; wins over allow.')),
        },
        {
          additionalProperties: false,
          description: 'Which tools this agent may call. Absent: agent.tools.allow and agent.tools.deny.',
        },
      ),
    ),
    thinkingDefault: Type.Optional(
      thinkingLevelSchema(
        "The thinking level of this agent's turns when neither the turn, its cron job nor its session names one. Absent: agent.thinkingDefault.",
      ),
    ),
    reasoningDefault: Type.Optional(
      reasoningLevelSchema(
        "Whether this agent's sessions show their reasoning in their chat when the session names none. Absent: agent.reasoningDefault.",
      ),
    ),
    systemPrompt: Type.Optional(
      Type.String({
        description:
          "This agent's system prompt, instead of agent.openai.systemPrompt (its prompt file <state dir>/agents/<id>/SYSTEM.md follows it).",
      }),
    ),
    // Over agent.heartbeat; once any entry has one, only the agents with one take heartbeat turns.
    heartbeat: Type.Optional(AgentHeartbeatConfig),
  },
  { additionalProperties: false, description: 'One agent: what differs from the agent section.' },
);
export type AgentEntry = Static<typeof AgentEntry>;

export const AgentsSection = Type.Object(
  {
    list: Type.Array(AgentEntry, {
      default: [],
      description:
        'Agents besides (or changing) the default agent `main`. Each has its own sessions (agent:<id>:…), model, tools and prompt file.',
    }),
  },
  { additionalProperties: false, default: {}, description: 'Several agents on one gateway.' },
);
export type AgentsSection = Static<typeof AgentsSection>;

const MatchId = (description: string) => Type.String({ minLength: 1, description });

export const AgentBinding = Type.Object(
  {
    agentId: Type.String({ pattern: AgentIdPattern, description: 'The agent that answers what matches.' }),
    comment: Type.Optional(Type.String({ description: 'A note for people reading the config; ignored.' })),
    match: Type.Object(
      {
        channel: Type.String({ minLength: 1, description: 'Channel id (telegram, slack, …).' }),
        accountId: Type.Optional(
          Type.String({
            minLength: 1,
            description: 'Channel account; `*` for any. Absent: the account named `default`.',
          }),
        ),
        peer: Type.Optional(
          Type.Object(
            {
              kind: Type.Union([Type.Literal('direct'), Type.Literal('group'), Type.Literal('channel')], {
                description: 'What kind of chat (`group` and `channel` match each other).',
              }),
              id: Type.String({
                minLength: 1,
                description: 'The chat id on the platform (or its thread id); `*`: every chat of that kind.',
              }),
            },
            { additionalProperties: false, description: 'One chat (or every chat of a kind).' },
          ),
        ),
        guildId: Type.Optional(MatchId('Discord: chats of this guild (server) only.')),
        teamId: Type.Optional(MatchId('Slack: chats of this team (workspace) only.')),
        roles: Type.Optional(
          Type.Array(Type.String({ minLength: 1 }), {
            minItems: 1,
            description: 'Discord: only senders with at least one of these role ids.',
          }),
        ),
      },
      {
        additionalProperties: false,
        description: 'Which inbound messages: every field given must match.',
      },
    ),
  },
  { additionalProperties: false, description: 'Send the matching channel messages to an agent.' },
);
export type AgentBinding = Static<typeof AgentBinding>;

export const BindingsSection = Type.Array(AgentBinding, {
  default: [],
  description:
    'Which agent answers a channel message. The most specific binding wins: the chat (its thread, then the chat), every chat of its kind, the guild with roles, the guild, the team, the account, any account (`*`); within each, the first listed. Unmatched: main.',
});

/**
 * The match fields only some channels' messages carry: a binding naming one on another channel
 * could never match, so it is refused rather than left to look like it works.
 */
const SCOPED_MATCH_FIELDS = { guildId: 'discord', roles: 'discord', teamId: 'slack' } as const;

/**
 * What the schema cannot say: agent ids are unique, every binding names a configured agent
 * (main always exists), and a guild, team or roles match is on the one channel that has them.
 */
export function agentsConfigIssues(config: {
  agent?: { heartbeat?: AgentHeartbeatConfig | undefined };
  agents: AgentsSection;
  bindings: AgentBinding[];
  commands?: { ownerAllowFrom?: (string | number)[] | undefined } | undefined;
}): ConfigIssue[] {
  const issues: ConfigIssue[] = heartbeatConfigIssues(config.agent?.heartbeat, 'agent.heartbeat');
  issues.push(...ownerAllowFromIssues(config.commands?.ownerAllowFrom));
  config.agents.list.forEach((a, i) => {
    issues.push(...heartbeatConfigIssues(a.heartbeat, `agents.list.${i}.heartbeat`));
  });
  const ids = new Set<string>([DEFAULT_AGENT_ID]);
  const listed = new Set<string>();
  config.agents.list.forEach((a, i) => {
    if (listed.has(a.id))
      issues.push({
        path: `agents.list.${i}.id`,
        kind: 'invalid-value',
        message: `agent "${a.id}" is listed twice`,
      });
    listed.add(a.id);
    ids.add(a.id);
  });
  config.bindings.forEach((b, i) => {
    for (const [field, channel] of Object.entries(SCOPED_MATCH_FIELDS)) {
      if (b.match[field as keyof typeof SCOPED_MATCH_FIELDS] !== undefined && b.match.channel !== channel)
        issues.push({
          path: `bindings.${i}.match.${field}`,
          kind: 'invalid-value',
          message: `only ${channel} messages carry ${field}; this binding is for ${b.match.channel}`,
        });
    }
    if (!ids.has(b.agentId))
      issues.push({
        path: `bindings.${i}.agentId`,
        kind: 'invalid-value',
        message: `no agent "${b.agentId}" (agents: ${[...ids].join(', ')})`,
        allowed: [...ids],
      });
  });
  return issues;
}
