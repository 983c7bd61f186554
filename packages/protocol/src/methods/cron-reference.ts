// The reference job layout (`sessionTarget`, `wakeMode`, `payload`, `delivery`), which its clients
// send to `cron.add` and `cron.update` and read back from `cron.list` / `cron.get`. Every field of
// it is declared here, so that nothing a client sends is dropped as unknown: what the gateway
// cannot carry out it refuses by name (details.code `CRON_FIELD_UNSUPPORTED`, details.path).
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import {
  CronAlertStateView,
  CronFailureAlertPatch,
  CronFailureDestination,
  CronFailureDestinationPatch,
} from './cron-alerts.ts';

/** A webhook address: http(s) only (checked again, with the network policy, before each POST). */
export const CronWebhookUrl = (description: string) =>
  Type.String({ minLength: 8, maxLength: 2048, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', description });

/** A job's label, shown by the reference's list and detail views instead of its stable name. */
const DisplayName = () =>
  Type.String({
    minLength: 1,
    maxLength: 200,
    pattern: '\\S',
    description: "A label the reference's list and detail views show instead of the job's name.",
  });

/** A shape accepted only to be refused by name: its kind is declared, its other fields not checked. */
const RefusedKinds = <K extends string>(kinds: K[], description: string) =>
  Type.Object(
    { kind: Type.Union(kinds.map((k) => Type.Literal(k))) },
    { additionalProperties: true, description },
  );

/** A main-session job's payload: text queued as a system event in the agent's main session. */
const SystemEventPayload = () =>
  Strict(
    {
      kind: Type.Literal('systemEvent'),
      text: NonEmptyString("The event's text, queued in the agent's main session."),
    },
    { description: "A system event for the agent's main session (sessionTarget main)." },
  );

export const CronSessionTarget = Type.Union(
  [
    Type.Literal('isolated', { description: "A fresh transcript each run, in the job's own session." }),
    Type.String({ pattern: '^session:.+', description: 'session:<key>: runs in that persistent session.' }),
    Type.Literal('main', {
      description:
        "The agent's main session (agent:<id>:main): a systemEvent job's event is queued there, and read by its next turn.",
    }),
    Type.Literal('current', {
      description:
        'The creating conversation (sessionKey): a fresh detached run that reads its recent messages and, when announced, commits its reply into it. With no sessionKey (a CLI or API call) it runs isolated, as in the reference.',
    }),
  ],
  { $id: 'CronSessionTarget', description: 'Where a job runs, in the reference layout.' },
);

export const CronWakeMode = Type.Union(
  [
    Type.Literal('now', {
      description: "Run when due (a main-session job's event starts a turn of the main session at once).",
    }),
    Type.Literal('next-heartbeat', {
      description:
        "Main-session jobs only: the event waits in the main session for its next turn (its next heartbeat turn when the agent has heartbeat turns on, else the session's next message).",
    }),
  ],
  { description: 'When a due job runs, in the reference layout.' },
);

export const CronPayloadInput = Type.Union(
  [
    Strict(
      {
        kind: Type.Literal('agentTurn'),
        message: NonEmptyString('Prompt for the agent turn.'),
        model: Type.Optional(
          Type.String({ description: "The job's model (provider/model, its provider configured)." }),
        ),
        fallbacks: Type.Optional(
          Type.Array(Type.String(), {
            description: "The job's fallback models, instead of the agent's; [] none.",
          }),
        ),
        thinking: Type.Optional(
          Type.String({
            description: "The job's thinking level (off … max, or a spelling the reference takes).",
          }),
        ),
        timeoutSeconds: Type.Optional(
          Type.Number({ minimum: 0, description: 'Run time ceiling in seconds (0: the agent deadline).' }),
        ),
        allowUnsafeExternalContent: Type.Optional(
          Type.Boolean({ description: 'Not served here (only false).' }),
        ),
        lightContext: Type.Optional(
          Type.Boolean({ description: "true: the turns leave out the agent's prompt file (SYSTEM.md)." }),
        ),
        toolsAllow: Type.Optional(
          Type.Array(Type.String(), {
            description: 'Only these of the agent\'s tools (["*"]: all; []: none).',
          }),
        ),
        toolsAllowIsDefault: Type.Optional(
          Type.Boolean({ description: 'Whether toolsAllow was the default (informational).' }),
        ),
      },
      { description: 'An agent turn with a message.' },
    ),
    SystemEventPayload(),
    RefusedKinds(['command', 'script'], 'Payload kinds this gateway does not run (refused).'),
  ],
  { description: 'What a job does, in the reference layout.' },
);

const DeliveryTarget = {
  channel: Type.Optional(
    NonEmptyString(
      'Channel to deliver on (with to). "last" or absent: the last route, the chat of the job\'s session (session:<key>, else sessionKey).',
    ),
  ),
  to: Type.Optional(NonEmptyString('Chat or user to deliver to.')),
  accountId: Type.Optional(NonEmptyString('Channel account.')),
  threadId: Type.Optional(
    Type.Union([Type.String(), Type.Number()], { description: 'Thread or topic to deliver into.' }),
  ),
  bestEffort: Type.Optional(
    Type.Boolean({
      description:
        'true: the job sends no inherited or default failure alerts (only those of a failureAlert of its own). Delivery never fails a run here either way (replies go through the outbox and are retried).',
    }),
  ),
  failureDestination: Type.Optional(CronFailureDestination),
  completionDestination: Type.Optional(
    Type.Object(
      {},
      {
        additionalProperties: true,
        description: 'Completion webhook beside announce (not served here; use mode webhook).',
      },
    ),
  ),
};

/** A chat field beside a webhook: declared so that it is refused by name, never dropped. */
const NotWithWebhook = Type.Optional(
  Type.Union([Type.String(), Type.Number()], { description: 'A chat target; refused with webhook.' }),
);

export const CronDeliveryInput = Type.Union(
  [
    Strict(
      { mode: Type.Union([Type.Literal('none'), Type.Literal('announce')]), ...DeliveryTarget },
      {
        description:
          'none: keep the reply in the session; announce: send it to channel and to, or on the last route.',
      },
    ),
    Strict(
      {
        mode: Type.Literal('webhook'),
        to: CronWebhookUrl("The http(s) URL the finished run's result is POSTed to (JSON)."),
        channel: NotWithWebhook,
        accountId: NotWithWebhook,
        threadId: NotWithWebhook,
        bestEffort: DeliveryTarget.bestEffort,
        failureDestination: DeliveryTarget.failureDestination,
        completionDestination: DeliveryTarget.completionDestination,
      },
      {
        description:
          "webhook: POST the finished run's result to the URL in to (durably queued, retried with backoff).",
      },
    ),
  ],
  { description: "Where a job's reply goes, in the reference layout." },
);

/** Reference-layout fields of `cron.add` besides payload, sessionTarget, wakeMode and delivery. */
export const CronReferenceExtras = {
  sessionKey: Type.Optional(
    Type.Union([NonEmptyString('The creating session: its chat is the last route.'), Type.Null()], {
      description:
        "The creating session (a channel chat's session): where an announce without a channel and to delivers; with sessionTarget current, the conversation the job reads and commits into.",
    }),
  ),
  declarationKey: Type.Optional(Type.String({ description: 'Declaration identity (not served here).' })),
  displayName: Type.Optional(DisplayName()),
  owner: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'Owner binding (not served here).' }),
  ),
  pacing: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'Dynamic cadence (not served here).' }),
  ),
  trigger: Type.Optional(
    Type.Object({}, { additionalProperties: true, description: 'Trigger script (not served here).' }),
  ),
};

/** The reference view of a stored job: what its clients read to show and edit it. */
export const CronJobReferenceView = {
  displayName: Type.Optional(DisplayName()),
  sessionKey: Type.Optional(
    NonEmptyString("The creating session, whose chat is the job's last route (when it has one)."),
  ),
  sessionTarget: Type.Optional(CronSessionTarget),
  wakeMode: Type.Optional(CronWakeMode),
  payload: Type.Optional(
    Type.Union(
      [
        Strict(
          {
            kind: Type.Literal('agentTurn'),
            message: NonEmptyString('Prompt.'),
            model: Type.Optional(Type.String({ description: "The job's model." })),
            fallbacks: Type.Optional(
              Type.Array(Type.String(), { description: "The job's fallback models." }),
            ),
            timeoutSeconds: Type.Optional(Type.Number({ minimum: 0, description: 'Run time ceiling (s).' })),
            toolsAllow: Type.Optional(
              Type.Array(Type.String(), { description: 'The tools its turns may use.' }),
            ),
            lightContext: Type.Optional(Type.Boolean({ description: 'No agent prompt file.' })),
            thinking: Type.Optional(Type.String({ description: "The job's thinking level." })),
          },
          { description: 'The agent turn (agent jobs), with the options the job sets.' },
        ),
        SystemEventPayload(),
      ],
      { description: 'What the job does (agent and main-session jobs).' },
    ),
  ),
  delivery: Type.Optional(
    Strict(
      {
        mode: Type.Union([Type.Literal('none'), Type.Literal('announce'), Type.Literal('webhook')], {
          description:
            "none: the reply stays in the session; announce: it is sent on; webhook: the run's result is POSTed to to.",
        }),
        channel: Type.Optional(NonEmptyString('Channel ("last": the last route).')),
        to: Type.Optional(NonEmptyString('Target (with webhook: the URL).')),
        accountId: Type.Optional(NonEmptyString('Account.')),
        threadId: Type.Optional(Type.String({ description: 'Thread.' })),
        bestEffort: Type.Optional(
          Type.Boolean({ description: 'true: no inherited or default failure alerts (set when asked).' }),
        ),
        failureDestination: Type.Optional(CronFailureDestination),
      },
      {
        description:
          'Where the reply goes (agent jobs only): a named chat, channel "last", or a webhook URL.',
      },
    ),
  ),
  state: Strict(
    {
      nextRunAtMs: Type.Optional(TimestampMs('Next run.')),
      lastRunAtMs: Type.Optional(TimestampMs('Last run.')),
      lastRunStatus: Type.Optional(
        Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('skipped')], {
          description: 'Last finished outcome.',
        }),
      ),
      lastStatus: Type.Optional(
        Type.Union([Type.Literal('ok'), Type.Literal('error'), Type.Literal('skipped')], {
          description: 'Same as lastRunStatus (older name).',
        }),
      ),
      ...CronAlertStateView,
    },
    { description: 'Run state, as the reference nests it (same facts as the top-level fields).' },
  ),
};

const Nullable = <T extends TSchema>(t: T, description: string) =>
  Type.Optional(Type.Union([t, Type.Null()], { description }));

/** Declared so that it is refused by name, never dropped (its value is not checked). */
const NotServed = (description: string) => Type.Optional(Type.Unknown({ description }));

/** A change to a job's payload: the fields given replace the stored ones, null clears one. */
export const CronPayloadPatch = Type.Union(
  [
    Strict(
      {
        kind: Type.Literal('agentTurn'),
        message: Type.Optional(NonEmptyString('New prompt.')),
        model: Nullable(Type.String(), "The job's model (provider/model); null clears."),
        fallbacks: Nullable(Type.Array(Type.String()), "The job's fallback models; null clears."),
        thinking: Nullable(Type.String(), "The job's thinking level; null clears."),
        timeoutSeconds: Type.Optional(
          Type.Number({ minimum: 0, description: 'Run time ceiling in seconds (0: the agent deadline).' }),
        ),
        allowUnsafeExternalContent: Type.Optional(Type.Boolean({ description: 'Only false is served.' })),
        lightContext: Type.Optional(Type.Boolean({ description: 'true: no agent prompt file (SYSTEM.md).' })),
        toolsAllow: Nullable(Type.Array(Type.String()), 'Only these tools (["*"]: all); null clears.'),
        toolsAllowIsDefault: Type.Optional(Type.Boolean({ description: 'Informational.' })),
      },
      { description: 'Changes to an agent turn.' },
    ),
    Strict(
      {
        kind: Type.Literal('systemEvent'),
        text: Type.Optional(NonEmptyString("New event text for the agent's main session.")),
      },
      { description: "Changes to a main-session job's system event." },
    ),
    RefusedKinds(['command', 'script'], 'Payload kinds this gateway does not run (refused).'),
  ],
  { description: "Changes to a job's payload, in the reference layout." },
);

/** A change to a job's delivery: the fields given replace the stored ones, null clears one. */
export const CronDeliveryPatch = Strict(
  {
    mode: Type.Optional(
      Type.Union([Type.Literal('none'), Type.Literal('announce'), Type.Literal('webhook')], {
        description:
          'none, announce, or webhook (with to: the URL). A change to or from webhook forgets the stored target.',
      }),
    ),
    channel: Nullable(NonEmptyString('Channel.'), 'Channel; null clears.'),
    to: Nullable(NonEmptyString('Target (with webhook: an http(s) URL).'), 'Target; null clears.'),
    accountId: Nullable(NonEmptyString('Account.'), 'Account; null clears.'),
    threadId: Nullable(Type.Union([Type.String(), Type.Number()]), 'Thread; null clears.'),
    bestEffort: Type.Optional(
      Type.Boolean({ description: 'true: no inherited or default failure alerts; false: back to them.' }),
    ),
    failureDestination: Type.Optional(CronFailureDestinationPatch),
    completionDestination: NotServed('Completion webhook (not served here; null only).'),
  },
  { description: "Changes to a job's delivery, in the reference layout." },
);

/** The reference-layout fields of a `cron.update` patch. */
export const CronReferencePatch = {
  sessionTarget: Type.Optional(CronSessionTarget),
  wakeMode: Type.Optional(CronWakeMode),
  payload: Type.Optional(CronPayloadPatch),
  delivery: Type.Optional(CronDeliveryPatch),
  sessionKey: Nullable(
    NonEmptyString('Creating session: its chat is the last route.'),
    'Creating session; null clears.',
  ),
  displayName: Nullable(DisplayName(), 'A new label; null removes it (the name shows again).'),
  pacing: NotServed('Dynamic cadence (not served here; null only).'),
  trigger: NotServed('Trigger script (not served here; null only).'),
  failureAlert: Type.Optional(CronFailureAlertPatch),
  state: NotServed('Run state (read only here).'),
};

export type CronSessionTarget = Static<typeof CronSessionTarget>;
export type CronPayloadInput = Static<typeof CronPayloadInput>;
export type CronDeliveryInput = Static<typeof CronDeliveryInput>;
