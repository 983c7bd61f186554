import { type Static, Type } from '@sinclair/typebox';
import { EventLoopHealth } from './health.ts';
import { Count, NonEmptyString, Strict } from './primitives.ts';

// The parts of `status` the reference clients read (its `openclaw status --json` takes them as
// its summary; plain `status` takes the heartbeat from here). Every figure is this gateway's own.

const AgentHeartbeat = Strict(
  {
    agentId: NonEmptyString('The agent.'),
    enabled: Type.Boolean({ description: 'Whether periodic agent heartbeat turns run for it.' }),
    every: Type.String({ description: 'The interval as configured, or "disabled".' }),
    everyMs: Type.Union([Count('The interval.'), Type.Null()], { description: 'null when disabled.' }),
    waitingForRoute: Type.Boolean({
      description: 'Enabled, but its last heartbeat turn found nowhere to deliver to (no-route).',
    }),
  },
  { description: "One agent's heartbeat turns." },
);

export const StatusHeartbeat = Strict(
  {
    defaultAgentId: NonEmptyString('The default agent.'),
    agents: Type.Array(AgentHeartbeat, {
      description:
        'Every agent, with its heartbeat turn interval (agent.heartbeat, agents.list[].heartbeat) or disabled.',
    }),
  },
  { $id: 'StatusHeartbeat', description: 'Agent heartbeat turns, per agent (the reference layout).' },
);

const statusCounts = (names: readonly string[], description: string) =>
  Strict(Object.fromEntries(names.map((n) => [n, Count(n)])), { description });

export const StatusTasks = Strict(
  {
    total: Count('Tasks tracked.'),
    active: Count('Queued or running.'),
    terminal: Count('Finished.'),
    failures: Count('Failed, timed out or lost.'),
    byStatus: statusCounts(
      ['queued', 'running', 'succeeded', 'failed', 'timed_out', 'cancelled', 'lost'],
      'Per status.',
    ),
    byRuntime: statusCounts(['subagent', 'acp', 'cli', 'cron'], 'Per runtime.'),
  },
  {
    $id: 'StatusTasks',
    description:
      'Background tasks (the reference task registry). This gateway has none (as `tasks.list` says), so every count is 0.',
  },
);

export const StatusTaskAudit = Strict(
  {
    total: Count('Findings.'),
    warnings: Count('Warnings.'),
    errors: Count('Errors.'),
    byCode: statusCounts(
      [
        'stale_queued',
        'stale_running',
        'lost',
        'delivery_failed',
        'missing_cleanup',
        'inconsistent_timestamps',
      ],
      'Per finding code.',
    ),
  },
  { $id: 'StatusTaskAudit', description: 'Task registry audit: nothing to audit here, so 0.' },
);

const AgentSessions = Strict(
  {
    agentId: NonEmptyString('The agent.'),
    path: Type.String({
      description:
        'Where its sessions are stored: always "[redacted]" (the reference\'s word for a detail not given).',
    }),
    count: Count('Sessions stored for it.'),
    recent: Type.Array(Type.Unknown(), {
      maxItems: 0,
      description: 'Not given (the reference leaves it empty for read-only callers; here for every caller).',
    }),
  },
  { description: "One agent's sessions." },
);

export const StatusSessions = Strict(
  {
    paths: Type.Array(Type.String(), { maxItems: 0, description: 'Not given (no per-agent session files).' }),
    count: Count('Sessions stored, all agents.'),
    defaults: Strict(
      {
        model: Type.Union([NonEmptyString('Model id.'), Type.Null()], {
          description: "The default agent's model (without its provider), as new sessions get it.",
        }),
        contextTokens: Type.Union([Count('Tokens.'), Type.Null()], {
          description: "That model's context window as configured (agent.contextTokens or per model).",
        }),
      },
      { description: 'What a new session starts with.' },
    ),
    recent: Type.Array(Type.Unknown(), { maxItems: 0, description: 'Not given (see byAgent.recent).' }),
    byAgent: Type.Array(AgentSessions, { description: 'Per agent, main first.' }),
  },
  {
    $id: 'StatusSessions',
    description: 'Stored sessions (the reference layout); absent when the session store cannot be read.',
  },
);

export const ProcessMemory = Strict(
  {
    rssBytes: Count('Resident set size.'),
    heapUsedBytes: Count('V8 heap in use.'),
    heapTotalBytes: Count('V8 heap reserved.'),
    externalBytes: Count('Memory of C++ objects bound to JavaScript.'),
    arrayBuffersBytes: Count('ArrayBuffers and SharedArrayBuffers.'),
  },
  { $id: 'ProcessMemory', description: 'The gateway process memory now.' },
);

/** Always empty here: no secret references, no plugins. */
const NeverAny = (description: string) => Type.Array(Type.Unknown(), { maxItems: 0, description });

/** The reference's status fields, beside this gateway's own in StatusResult. */
export const referenceStatusFields = {
  runtimeVersion: NonEmptyString('The gateway version (the reference name for `version`).'),
  pid: Count('Gateway process id.'),
  eventLoop: EventLoopHealth,
  processMemory: ProcessMemory,
  heartbeat: StatusHeartbeat,
  channelSummary: Type.Array(Type.String(), {
    description:
      'One line per channel account (channel, account, state); empty when asked with includeChannelSummary: false.',
  }),
  queuedSystemEvents: Type.Array(Type.String(), {
    maxItems: 0,
    description: 'System events queued for an agent turn: none (system-event is broadcast, never queued).',
  }),
  degradedSecretOwners: NeverAny('Secret owners degraded: none (no secret references here).'),
  degradedPlugins: NeverAny('Plugins degraded: none (no plugins here).'),
  tasks: StatusTasks,
  taskAudit: StatusTaskAudit,
  sessions: Type.Optional(StatusSessions),
};

export type StatusHeartbeat = Static<typeof StatusHeartbeat>;
export type StatusSessions = Static<typeof StatusSessions>;
export type ProcessMemory = Static<typeof ProcessMemory>;
