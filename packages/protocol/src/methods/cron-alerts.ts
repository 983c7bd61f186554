// Failure alerts of scheduled jobs (the reference's `failureAlert`, `delivery.failureDestination`
// and the global `cron.failureAlert`): after a number of consecutive failed runs, one notice to a
// chat or a webhook; one recovery notice when a run succeeds again. Shapes as the reference's.
import { Type } from '@sinclair/typebox';
import { NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';

const Nullable = <T extends ReturnType<typeof Type.String> | ReturnType<typeof Type.Union>>(
  t: T,
  description: string,
) => Type.Optional(Type.Union([t, Type.Null()], { description }));

const AlertMode = () =>
  Type.Union([Type.Literal('announce'), Type.Literal('webhook')], {
    description:
      'announce: a message to a chat; webhook: a POST of {jobId, jobName, message, runAtMs} to `to`.',
  });

const routeFields = {
  mode: Type.Optional(AlertMode()),
  channel: Type.Optional(
    NonEmptyString('Channel of the chat (with to); "last" or absent: the chat of the job\'s session.'),
  ),
  to: Type.Optional(NonEmptyString('The chat (with channel), or with mode webhook the http(s) URL.')),
  accountId: Type.Optional(NonEmptyString('Channel account (with channel and to).')),
};

const policyFields = {
  after: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Consecutive failed runs before an alert (default 2).' }),
  ),
  cooldownMs: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Least time between two alerts of a job (default 1 hour).' }),
  ),
  includeSkipped: Type.Optional(
    Type.Boolean({
      description:
        'Skipped runs in a row alert too, at the same threshold (counted apart from failed runs; default false).',
    }),
  ),
};

/** Where a job's failure alerts go instead of its primary route (route fields only). */
export const CronFailureDestination = Strict(routeFields, {
  description: "Where the job's failure alerts go (over the global cron.failureAlert destination).",
});

/** A job's alert policy: false turns its alerts off; an object turns them on and tunes them. */
export const CronFailureAlert = Type.Union(
  [
    Type.Literal(false, { description: 'No failure alerts for this job.' }),
    Strict(
      { ...policyFields, ...routeFields },
      { description: 'Alert after `after` failed runs in a row, at most once per cooldown and incident.' },
    ),
  ],
  { description: "The job's failure alerts: false (none), or a policy (its route fields come first)." },
);

const routePatch = {
  mode: Nullable(AlertMode(), 'Mode; null clears.'),
  channel: Nullable(NonEmptyString('Channel.'), 'Channel; null clears.'),
  to: Nullable(NonEmptyString('Chat or URL.'), 'Target; null clears.'),
  accountId: Nullable(NonEmptyString('Account.'), 'Account; null clears.'),
};

export const CronFailureDestinationPatch = Type.Union(
  [Strict(routePatch, { description: 'Fields to change; null clears one.' }), Type.Null()],
  { description: 'Changes to the failure destination; null removes it.' },
);

export const CronFailureAlertPatch = Type.Union(
  [
    Type.Literal(false, { description: "Turn the job's alerts off." }),
    Type.Null(),
    Strict(
      {
        after: Type.Optional(
          Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'Threshold; null clears.' }),
        ),
        cooldownMs: Type.Optional(
          Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
            description: 'Cooldown (ms); null clears.',
          }),
        ),
        includeSkipped: Type.Optional(
          Type.Union([Type.Boolean(), Type.Null()], {
            description: 'Count skipped runs in a row too; null clears.',
          }),
        ),
        ...routePatch,
      },
      { description: 'Fields laid over the stored policy (a policy is made if there was none).' },
    ),
  ],
  { description: 'false: no alerts; null: back to the defaults; an object: changes to the policy.' },
);

/** The global policy and default destination (config `cron.failureAlert`). */
export const CronFailureAlertConfig = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description:
          'false: jobs without a failureAlert object of their own send no alerts; absent: jobs with a route (a failure destination or an announced reply) alert by default.',
      }),
    ),
    ...policyFields,
    ...routeFields,
  },
  {
    additionalProperties: false,
    description:
      "Failure alerts of scheduled jobs: defaults for every job (a job's failureAlert overrides them) and the default destination.",
  },
);

/** Why a run's reply was not sent on purpose (the reference's values; only silent arises here). */
export const CronSuppressionReasons = [
  Type.Literal('empty'),
  Type.Literal('silent'),
  Type.Literal('heartbeat'),
  Type.Literal('channel_transform'),
];

/** Why a run's model failed: the reference's values (only some arise here). */
export const CRON_ERROR_REASONS = [
  'auth',
  'auth_permanent',
  'format',
  'rate_limit',
  'overloaded',
  'billing',
  'server_error',
  'timeout',
  'tls_certificate',
  'context_overflow',
  'model_not_found',
  'session_expired',
  'empty_response',
  'no_error_details',
  'unclassified',
  'unknown',
] as const;

/** The alert state a job view carries (the reference's `state` fields). */
export const CronAlertStateView = {
  consecutiveErrors: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Failed runs in a row (0 after a successful one).' }),
  ),
  consecutiveSkipped: Type.Optional(
    Type.Integer({ minimum: 0, description: 'Skipped runs in a row (absent once a run ran).' }),
  ),
  lastFailureAlertAtMs: Type.Optional(TimestampMs('When the current incident was last alerted.')),
  lastDeliveryStatus: Type.Optional(
    Type.Union(
      [
        Type.Literal('delivered'),
        Type.Literal('not-delivered'),
        Type.Literal('unknown'),
        Type.Literal('not-requested'),
      ],
      { description: "What became of the last completed run's delivery (written once it settled)." },
    ),
  ),
  lastDelivered: Type.Optional(
    Type.Boolean({
      description:
        "Whether the last completed run's delivery arrived (absent when unknown or not requested).",
    }),
  ),
  lastDeliveryError: Type.Optional(
    Type.String({ description: "Why the last completed run's delivery failed." }),
  ),
  deliverySuppressionReason: Type.Optional(
    Type.Union(CronSuppressionReasons, {
      description:
        "Why the last completed run's reply was not sent, on purpose (with not-delivered; such a run completed). Here: silent (the turn answered nothing).",
    }),
  ),
  lastErrorReason: Type.Optional(
    Type.Union(
      CRON_ERROR_REASONS.map((r) => Type.Literal(r)),
      {
        description:
          "Why the last run's model failed, from the provider's answer: its HTTP status, else its error code or words (the reference's values; here auth, billing, context_overflow, format, model_not_found, rate_limit, overloaded, server_error or timeout); absent when it did not fail or nothing said why. rate_limit, overloaded, server_error and timeout are retried early.",
      },
    ),
  ),
  autoDisabled: Type.Optional(
    Type.Object(
      {
        reason: Type.Literal('consecutive-failures'),
        atMs: TimestampMs('When the scheduler turned it off.'),
        consecutiveErrors: Type.Integer({ minimum: 1, description: 'Failed runs in a row at that time.' }),
      },
      {
        additionalProperties: false,
        description: 'Why the scheduler turned the job off; gone once it is enabled again.',
      },
    ),
  ),
};
