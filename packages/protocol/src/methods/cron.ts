import { type Static, type TSchema, Type } from '@sinclair/typebox';
import {
  Count,
  IdempotencyKey,
  NonEmptyString,
  NoParams,
  Strict,
  TimestampMs,
} from '../schema/primitives.ts';
import {
  CRON_ERROR_REASONS,
  CronFailureAlert,
  CronFailureDestination,
  CronFailureDestinationPatch,
  CronSuppressionReasons,
} from './cron-alerts.ts';
import {
  CronDeliveryInput,
  CronJobReferenceView,
  CronPayloadInput,
  CronReferenceExtras,
  CronReferencePatch,
  CronSessionTarget,
  CronWakeMode,
  CronWebhookUrl,
} from './cron-reference.ts';
import { CronTurnOptions } from './cron-turn.ts';
import { defineMethod } from './define.ts';

export const CronSchedule = Type.Union(
  [
    Strict(
      { kind: Type.Literal('at'), at: NonEmptyString('ISO time to run once.') },
      { description: 'Once, at a time.' },
    ),
    Strict(
      {
        kind: Type.Literal('every'),
        everyMs: Type.Integer({ minimum: 1000, description: 'Interval (≥ 1 s).' }),
        anchorMs: Type.Optional(TimestampMs('Align intervals to this instant.')),
      },
      { description: 'Every interval.' },
    ),
    Strict(
      {
        kind: Type.Literal('cron'),
        expr: NonEmptyString('Cron expression (5 or 6 fields).'),
        tz: Type.Optional(NonEmptyString('IANA time zone (default: gateway local).')),
        staggerMs: Type.Optional(
          Type.Integer({
            minimum: 0,
            description:
              "Stagger window (ms): each firing comes at the job's own fixed offset within it; 0: exactly on time.",
          }),
        ),
      },
      { description: 'A cron expression.' },
    ),
  ],
  { $id: 'CronSchedule', description: 'When a job runs.' },
);

/**
 * The schedules `cron.add` and `cron.update` take: ours, and the reference's (its
 * command-driven kinds, declared so that they are refused by name rather than dropped).
 */
export const CronScheduleInput = Type.Union(
  [
    CronSchedule.anyOf[0],
    Strict(
      {
        kind: Type.Literal('every'),
        everyMs: Type.Integer({ minimum: 1, description: 'Interval (at least 1000 ms is served).' }),
        anchorMs: Type.Optional(TimestampMs('Align intervals to this instant.')),
      },
      { description: 'Every interval.' },
    ),
    Strict(
      {
        kind: Type.Literal('cron'),
        expr: NonEmptyString('Cron expression (5 or 6 fields).'),
        tz: Type.Optional(Type.String({ description: 'IANA time zone (absent or empty: gateway local).' })),
        staggerMs: Type.Optional(
          Type.Integer({
            minimum: 0,
            description:
              "Stagger window (ms): each firing comes at the job's own fixed offset within it; 0 or absent: exactly on time.",
          }),
        ),
      },
      { description: 'A cron expression.' },
    ),
    Type.Object(
      { kind: Type.Union([Type.Literal('on-exit'), Type.Literal('stream')]) },
      { additionalProperties: true, description: 'Command-driven schedules (not served here).' },
    ),
  ],
  { description: 'When a job runs (ours, or the reference layout).' },
);

export const CronAction = Type.Union(
  [
    Strict(
      {
        kind: Type.Literal('agent'),
        message: NonEmptyString('Prompt for the agent turn.'),
        sessionKey: Type.Optional(NonEmptyString('Session to run in.')),
        deliver: Type.Optional(
          Type.Boolean({
            description:
              "Deliver the reply: to channel and to when given, else on the last route (the chat of the job's named session, else of routeSessionKey; a run with none records not-delivered).",
          }),
        ),
        channel: Type.Optional(NonEmptyString('Deliver the reply on this channel (with to).')),
        to: Type.Optional(NonEmptyString('Deliver the reply to this chat (with channel).')),
        accountId: Type.Optional(NonEmptyString('Channel account for delivery (default: default).')),
        threadId: Type.Optional(NonEmptyString('Thread or topic to deliver into.')),
        routeSessionKey: Type.Optional(
          NonEmptyString(
            "The session whose chat a delivery without channel and to goes to when the job runs in no named session (the reference's sessionKey: the job's creating conversation).",
          ),
        ),
        freshSession: Type.Optional(
          Type.Boolean({ description: 'Start every run with an empty transcript (the session is reset).' }),
        ),
        webhook: Type.Optional(
          CronWebhookUrl(
            "POST the finished run's result here as JSON (the reference's webhook delivery); not with deliver, channel or to.",
          ),
        ),
        currentSession: Type.Optional(
          Type.Boolean({
            description:
              "With routeSessionKey (the reference's current target): each run reads that conversation's recent messages, and a delivered reply is also committed into it.",
          }),
        ),
        ...CronTurnOptions,
      },
      { description: 'Run an agent turn.' },
    ),
    Strict(
      {
        kind: Type.Literal('send'),
        channel: Type.Optional(NonEmptyString('Channel.')),
        accountId: Type.Optional(NonEmptyString('Account.')),
        to: NonEmptyString('Target.'),
        message: NonEmptyString('Text.'),
      },
      { description: 'Send a message.' },
    ),
    Strict(
      {
        kind: Type.Literal('systemEvent'),
        text: NonEmptyString("Text queued as a system event in the job's agent's main session."),
        wakeMode: Type.Optional(
          Type.Union([Type.Literal('now'), Type.Literal('next-heartbeat')], {
            description:
              "now (default): a turn of the main session starts at once and answers it; next-heartbeat: it waits for the session's next turn.",
          }),
        ),
        routeSessionKey: Type.Optional(
          NonEmptyString(
            "The session whose chat the wake turn's reply goes to (the reference's sessionKey on a main-session job: the event carries that session's route).",
          ),
        ),
        webhook: Type.Optional(
          CronWebhookUrl("POST the finished run (its summary: the event's text) here as JSON."),
        ),
      },
      { description: "Queue a system event in the agent's main session (agent:<id>:main)." },
    ),
  ],
  { $id: 'CronAction', description: 'What a job does.' },
);

export const CronMissedPolicy = Type.Union([Type.Literal('run-once'), Type.Literal('skip')], {
  description: 'Runs missed while the gateway was down: run once at start, or skip.',
});

export const CronRunStatus = Type.Union(
  [Type.Literal('running'), Type.Literal('ok'), Type.Literal('error'), Type.Literal('skipped')],
  { description: 'Run outcome.' },
);

/** The agent a job's turns run as (an id of agents.list, or `main`). */
const JobAgentId = (description: string) => NonEmptyString(description, { maxLength: 64 });

export const CronJob = Strict(
  {
    id: NonEmptyString('Job id.'),
    name: NonEmptyString('Name.'),
    agentId: Type.Optional(
      JobAgentId(
        "The agent the job's turns run as, as declared (absent: the agent its session key names, else main).",
      ),
    ),
    effectiveAgentId: Type.Optional(
      JobAgentId(
        "The agent that runs the job's turns now: the job's agent (declared, or named by its session key) while it is configured, main once it was removed. Present on every job the cron methods return.",
      ),
    ),
    description: Type.Optional(Type.String({ description: 'Description.' })),
    enabled: Type.Boolean({ description: 'Enabled.' }),
    schedule: CronSchedule,
    action: CronAction,
    missedPolicy: CronMissedPolicy,
    deleteAfterRun: Type.Optional(Type.Boolean({ description: 'Removed once a run of it succeeds.' })),
    createdAtMs: TimestampMs('Created.'),
    updatedAtMs: TimestampMs('Updated.'),
    nextRunAtMs: Type.Union([TimestampMs('Next run.'), Type.Null()], { description: 'Next run, if any.' }),
    lastRunAtMs: Type.Union([TimestampMs('Last run.'), Type.Null()], { description: 'Last run, if any.' }),
    lastStatus: Type.Union([CronRunStatus, Type.Null()], { description: 'Last outcome.' }),
    failureAlert: Type.Optional(CronFailureAlert),
    failureDestination: Type.Optional(CronFailureDestination),
    ...CronJobReferenceView,
  },
  { $id: 'CronJob', description: 'A scheduled job (ours, with the reference view of it beside).' },
);

/**
 * A request naming one job: by `id`, or by `jobId` (the reference's other name for it), one of
 * the two, with the same other fields.
 */
const ByJob = <P extends Record<string, TSchema>>(props: P, $id: string, description: string) =>
  Type.Union(
    [
      Strict({ id: NonEmptyString('Job id.'), ...props }, { description: 'The job by id.' }),
      Strict(
        { jobId: NonEmptyString('Job id (the reference name for id).'), ...props },
        { description: 'The job by jobId.' },
      ),
    ],
    { $id, description },
  );

/** `Type.Union` of string literals. */
const OneOf = <K extends string>(values: readonly K[], description: string) =>
  Type.Union(
    values.map((v) => Type.Literal(v)),
    { description },
  );

const Page = {
  snapshotRevision: NonEmptyString(
    'Identifies the job list this page was cut from (pages with another one are stale).',
  ),
  total: Count('Jobs matching the filters.'),
  offset: Count('Offset of this page.'),
  limit: Count('Page size.'),
  hasMore: Type.Boolean({ description: 'More pages follow.' }),
  nextOffset: Type.Union([Count('Offset of the next page.'), Type.Null()], {
    description: 'null: last page.',
  }),
};

export const cronList = defineMethod({
  name: 'cron.list',
  description: 'Scheduled jobs, a page at a time (all of them by default).',
  params: Strict(
    {
      includeDisabled: Type.Optional(Type.Boolean({ description: 'Include disabled jobs (default true).' })),
      enabled: Type.Optional(
        Type.Union([Type.Literal('all'), Type.Literal('enabled'), Type.Literal('disabled')], {
          description: 'Which jobs by state (overrides includeDisabled).',
        }),
      ),
      agentId: Type.Optional(
        NonEmptyString(
          "Only this agent's jobs (declared, or named by the job's session key; else main's), also of an agent since removed.",
        ),
      ),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 1000, description: 'Page size (default: all).' }),
      ),
      offset: Type.Optional(Count('Skip.')),
      query: Type.Optional(
        Type.String({
          description: 'Only jobs whose id, name, description or agent contains this (any case).',
        }),
      ),
      scheduleKind: Type.Optional(
        OneOf(
          ['all', 'at', 'every', 'cron', 'on-exit', 'stream'],
          'Only jobs of this schedule kind (there are no on-exit or stream jobs here).',
        ),
      ),
      lastRunStatus: Type.Optional(
        OneOf(
          ['all', 'ok', 'error', 'skipped', 'unknown'],
          "Only jobs whose last run ended so (unknown: it has not run, or the run's end is not recorded).",
        ),
      ),
      trigger: Type.Optional(
        OneOf(
          ['all', 'conditional', 'unconditional'],
          'Every job here is unconditional (no trigger scripts): conditional lists none.',
        ),
      ),
      sortBy: Type.Optional(
        OneOf(
          ['nextRunAtMs', 'updatedAtMs', 'name'],
          'Sort key (jobs without a next run last; ties by id). Absent with no sortDir: the order jobs were added.',
        ),
      ),
      sortDir: Type.Optional(
        OneOf(['asc', 'desc'], 'Sort direction (default asc; with no sortBy: by next run).'),
      ),
      compact: Type.Optional(Type.Boolean({ description: 'Leave deliveryPreviews empty.' })),
      includeDeliveryPreviews: Type.Optional(
        Type.Boolean({ description: 'false: leave deliveryPreviews empty (default true).' }),
      ),
    },
    { $id: 'CronListParams', description: 'Filter, sort and page.' },
  ),
  result: Strict(
    {
      jobs: Type.Array(CronJob),
      ...Page,
      deliveryPreviews: Type.Record(
        Type.String(),
        Strict(
          {
            label: Type.String({ description: 'Where the reply goes, e.g. `announce -> telegram:123`.' }),
            detail: Type.String({ description: 'How that target was chosen.' }),
          },
          { description: "One job's delivery." },
        ),
        { description: 'Where each job of this page delivers, by job id (the reference CLI shows it).' },
      ),
    },
    { $id: 'CronListResult', description: 'Jobs.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const cronGet = defineMethod({
  name: 'cron.get',
  description: 'One scheduled job by id.',
  params: ByJob({}, 'CronGetParams', 'Job.'),
  result: CronJob,
  scope: 'operator.read',
  sideEffect: false,
});

export const cronStatus = defineMethod({
  name: 'cron.status',
  description: 'Scheduler status.',
  params: NoParams('CronStatusParams'),
  result: Strict(
    {
      enabled: Type.Boolean({ description: 'Scheduler running.' }),
      jobs: Count('Jobs.'),
      enabledJobs: Count('Enabled jobs.'),
      nextRunAtMs: Type.Union([TimestampMs('Next.'), Type.Null()], { description: 'Next run of any job.' }),
      running: Count('Runs in progress.'),
    },
    { $id: 'CronStatusResult', description: 'Status.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const cronAdd = defineMethod({
  name: 'cron.add',
  description: 'Add a scheduled job.',
  params: Strict(
    {
      name: NonEmptyString('Name.', { maxLength: 200 }),
      agentId: Type.Optional(
        Type.Union([JobAgentId('The agent whose turns the job runs.'), Type.Null()], {
          description:
            "The agent the job's turns run as, in its sessions (agent:<id>:cron:<job id> by default). Absent or null: the agent the action's session key names, else main.",
        }),
      ),
      description: Type.Optional(Type.String({ description: 'Description.' })),
      enabled: Type.Optional(Type.Boolean({ description: 'Default true.' })),
      schedule: CronScheduleInput,
      action: Type.Optional(CronAction),
      missedPolicy: Type.Optional(CronMissedPolicy),
      deleteAfterRun: Type.Optional(
        Type.Boolean({
          description:
            'Remove the job once a run of it succeeds (default: true for one-shot jobs in the reference layout, else false).',
        }),
      ),
      sessionTarget: Type.Optional(CronSessionTarget),
      wakeMode: Type.Optional(CronWakeMode),
      payload: Type.Optional(CronPayloadInput),
      delivery: Type.Optional(CronDeliveryInput),
      failureAlert: Type.Optional(CronFailureAlert),
      failureDestination: Type.Optional(CronFailureDestination),
      ...CronReferenceExtras,
    },
    {
      $id: 'CronAddParams',
      description:
        'New job: `action` (our layout), or `payload` with `sessionTarget` and `wakeMode` (the reference layout).',
    },
  ),
  result: CronJob,
  scope: 'operator.admin',
  sideEffect: false,
});

/** What `cron.update` may change. */
const CronJobPatch = Strict(
  {
    name: Type.Optional(NonEmptyString('Name.', { maxLength: 200 })),
    agentId: Type.Optional(
      Type.Union([JobAgentId('Run as this agent from now on.'), Type.Null()], {
        description: 'Another agent; null: none declared (the session key decides, else main).',
      }),
    ),
    description: Type.Optional(Type.String({ description: 'Description.' })),
    enabled: Type.Optional(Type.Boolean({ description: 'Enabled.' })),
    schedule: Type.Optional(CronScheduleInput),
    action: Type.Optional(CronAction),
    missedPolicy: Type.Optional(CronMissedPolicy),
    deleteAfterRun: Type.Optional(Type.Boolean({ description: 'Remove the job once a run of it succeeds.' })),
    failureDestination: Type.Optional(CronFailureDestinationPatch),
    ...CronReferencePatch,
  },
  { description: 'Fields to change: ours, or those of the reference layout (not both).' },
);

export const cronUpdate = defineMethod({
  name: 'cron.update',
  description: 'Change a scheduled job.',
  params: ByJob({ patch: CronJobPatch }, 'CronUpdateParams', 'Job and changes.'),
  result: CronJob,
  scope: 'operator.admin',
  sideEffect: false,
});

export const cronRemove = defineMethod({
  name: 'cron.remove',
  description: 'Remove a scheduled job.',
  params: ByJob({}, 'CronRemoveParams', 'Job.'),
  result: Strict(
    { id: NonEmptyString('Job.'), removed: Type.Boolean({ description: 'False if unknown.' }) },
    { $id: 'CronRemoveResult', description: 'Outcome.' },
  ),
  scope: 'operator.admin',
  sideEffect: false,
});

export const cronRun = defineMethod({
  name: 'cron.run',
  description:
    'Run a job now; returns its run id at once. With `if-enabled` a disabled job, with `due` a job not due, is not run (`ran: false`).',
  params: ByJob(
    {
      idempotencyKey: Type.Optional(IdempotencyKey),
      mode: Type.Optional(
        OneOf(
          ['force', 'if-enabled', 'due'],
          "force (default): run whatever its state; if-enabled: only when enabled; due: only when enabled and its schedule's slot has come (that slot is then taken, as the scheduler would).",
        ),
      ),
    },
    'CronRunParams',
    'Job.',
  ),
  result: Strict(
    {
      id: NonEmptyString('Job.'),
      ok: Type.Literal(true, { description: 'The request was handled (whether or not it ran).' }),
      enqueued: Type.Boolean({ description: 'A run was queued.' }),
      runId: Type.Optional(NonEmptyString('Run, when queued.')),
      status: Type.Optional(Type.Literal('queued', { description: 'Queued.' })),
      ran: Type.Optional(Type.Literal(false, { description: 'Present when nothing was run.' })),
      reason: Type.Optional(OneOf(['disabled', 'not-due'], 'Why nothing was run.')),
    },
    { $id: 'CronRunResult', description: 'Queued run, or why there is none.' },
  ),
  scope: 'operator.admin',
  sideEffect: true,
});

export const CronRunRecord = Strict(
  {
    runId: NonEmptyString('Run.'),
    jobId: NonEmptyString('Job.'),
    trigger: Type.Union([Type.Literal('schedule'), Type.Literal('manual'), Type.Literal('missed')], {
      description: 'Why it ran.',
    }),
    status: CronRunStatus,
    scheduledAtMs: TimestampMs('Scheduled for.'),
    startedAtMs: TimestampMs('Started.'),
    endedAtMs: Type.Union([TimestampMs('Ended.'), Type.Null()], { description: 'Ended, if it has.' }),
    error: Type.Optional(Type.String({ description: 'Error.' })),
    errorReason: Type.Optional(
      Type.Union(
        CRON_ERROR_REASONS.map((r) => Type.Literal(r)),
        {
          description:
            "Why its model failed, from the provider's answer: its HTTP status, else its error code or words (the reference's values; here auth, billing, context_overflow, format, model_not_found, rate_limit, overloaded, server_error or timeout); absent when nothing said why. rate_limit, overloaded, server_error and timeout are retried early.",
        },
      ),
    ),
    agentRunId: Type.Optional(NonEmptyString('Agent run it started.')),
    deliveryStatus: Type.Optional(
      Type.Union([Type.Literal('delivered'), Type.Literal('not-delivered'), Type.Literal('not-requested')], {
        description:
          'What became of what the run delivers (its send, or its reply), as its outbox record says: delivered, not-delivered (the outbox gave up), or not-requested (nothing to deliver). Absent when unknown; a run whose message is still in the outbox shows as running.',
      }),
    ),
    delivered: Type.Optional(
      Type.Boolean({ description: 'Whether the message reached the chat (with delivered / not-delivered).' }),
    ),
    deliveryError: Type.Optional(Type.String({ description: 'Why delivery failed (with not-delivered).' })),
    deliverySuppressionReason: Type.Optional(
      Type.Union(CronSuppressionReasons, {
        description:
          'Why nothing was sent, on purpose (with not-delivered; the run completed). Here: silent (the turn answered nothing).',
      }),
    ),
    completionStatus: Type.Optional(
      Type.Union([Type.Literal('succeeded'), Type.Literal('failed')], {
        description: 'Whether the run did all it had to, when that is known (the reference name).',
      }),
    ),
  },
  { $id: 'CronRunRecord', description: 'One run of a job.' },
);

const RunDeliveryFilter = (description: string) =>
  OneOf(['delivered', 'not-delivered', 'unknown', 'not-requested'], description);

export const cronRuns = defineMethod({
  name: 'cron.runs',
  description: 'Recorded runs, newest first.',
  params: Strict(
    {
      id: Type.Optional(NonEmptyString('Only this job.')),
      runId: Type.Optional(NonEmptyString('Only this run.')),
      limit: Type.Optional(
        Type.Integer({ minimum: 1, maximum: 200, description: 'Most runs (default 50).' }),
      ),
      offset: Type.Optional(Count('Skip (newest first).')),
      agentId: Type.Optional(NonEmptyString("Only runs of this agent's jobs.")),
      jobId: Type.Optional(NonEmptyString('Only this job (the reference name for id).')),
      scope: Type.Optional(
        OneOf(['job', 'all'], "all: every job's runs (as without id); job: the job named."),
      ),
      status: Type.Optional(OneOf(['all', 'ok', 'error', 'skipped'], 'Only finished runs that ended so.')),
      statuses: Type.Optional(
        Type.Array(OneOf(['ok', 'error', 'skipped'], 'Run status.'), {
          minItems: 1,
          maxItems: 3,
          description: 'Only finished runs that ended in one of these.',
        }),
      ),
      deliveryStatus: Type.Optional(RunDeliveryFilter('Only runs whose delivery is so.')),
      deliveryStatuses: Type.Optional(
        Type.Array(RunDeliveryFilter('Delivery status.'), {
          minItems: 1,
          maxItems: 4,
          description: 'Only runs whose delivery is one of these (unknown: none recorded).',
        }),
      ),
      query: Type.Optional(
        Type.String({ description: 'Only runs whose error text contains this (any case).' }),
      ),
      sortDir: Type.Optional(OneOf(['asc', 'desc'], 'By start time (default desc, newest first).')),
    },
    {
      $id: 'CronRunsParams',
      description:
        'Filter. With a status, delivery or text filter or sortDir asc, the newest 200 runs are the ones filtered.',
    },
  ),
  result: Strict(
    {
      runs: Type.Array(CronRunRecord, { description: 'Runs, newest first.' }),
      entries: Type.Array(CronRunRecord, { description: 'Same as runs (the reference name).' }),
      total: Count('Runs in this answer and before offset.'),
      offset: Count('Offset of this page.'),
      limit: Count('Page size.'),
      hasMore: Type.Boolean({ description: 'More pages may follow.' }),
      nextOffset: Type.Union([Count('Offset of the next page.'), Type.Null()], {
        description: 'null: last page.',
      }),
    },
    { $id: 'CronRunsResult', description: 'Runs.' },
  ),
  scope: 'operator.read',
  sideEffect: false,
});

export const CronEvent = Strict(
  {
    jobId: NonEmptyString('Job.'),
    runId: NonEmptyString('Run.'),
    phase: Type.Union([Type.Literal('start'), Type.Literal('finish')], { description: 'Start or finish.' }),
    status: CronRunStatus,
    error: Type.Optional(Type.String({ description: 'Error.' })),
    ts: TimestampMs('When.'),
  },
  { $id: 'CronEvent', description: 'A job started or finished.' },
);

export const cronMethods = [
  cronList,
  cronGet,
  cronStatus,
  cronAdd,
  cronUpdate,
  cronRemove,
  cronRun,
  cronRuns,
] as const;

export type CronSchedule = Static<typeof CronSchedule>;
export type CronScheduleInput = Static<typeof CronScheduleInput>;
export type CronAction = Static<typeof CronAction>;
export type CronMissedPolicy = Static<typeof CronMissedPolicy>;
export type CronRunStatus = Static<typeof CronRunStatus>;
export type CronJob = Static<typeof CronJob>;
export type CronRunRecord = Static<typeof CronRunRecord>;
export type CronEvent = Static<typeof CronEvent>;
