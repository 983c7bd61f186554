import { type Static, Type } from '@sinclair/typebox';
import { Count, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';
import { UsageCostTotals, usageFigures } from './usage.ts';

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';
const Day = (description: string) => Type.String({ pattern: DATE_PATTERN, description });
const usd = (what: string) => Type.Number({ minimum: 0, description: `US dollars: ${what}.` });

export const SessionsUsageParams = Strict(
  {
    key: Type.Optional(NonEmptyString('One session (its row alone); not with agentScope.')),
    agentId: Type.Optional(NonEmptyString("One agent's sessions (default: main).")),
    agentScope: Type.Optional(
      Type.Literal('all', { description: "Every agent's sessions; not with agentId." }),
    ),
    startDate: Type.Optional(Day('First day (YYYY-MM-DD), with endDate.')),
    endDate: Type.Optional(Day('Last day (YYYY-MM-DD), with startDate.')),
    mode: Type.Optional(
      Type.Union([Type.Literal('utc'), Type.Literal('gateway'), Type.Literal('specific')], {
        description: "Whose calendar days: UTC (default), the gateway host's zone, or `specific` (timeZone).",
      }),
    ),
    range: Type.Optional(
      Type.Union(
        [
          Type.Literal('7d'),
          Type.Literal('30d'),
          Type.Literal('90d'),
          Type.Literal('1y'),
          Type.Literal('all'),
        ],
        { description: 'A named range ending today, instead of dates (default: the last 30 days).' },
      ),
    ),
    groupBy: Type.Optional(
      Type.Union([Type.Literal('instance'), Type.Literal('family')], {
        description:
          'Accepted for the reference clients; the same answer either way: a session key keeps no separate instances here (a reset empties its transcript, its usage stays under the key).',
      }),
    ),
    includeHistorical: Type.Optional(Type.Boolean({ description: 'Older alias of groupBy family.' })),
    utcOffset: Type.Optional(
      Type.String({
        pattern: '^UTC[+-]\\d{1,2}(?::[0-5]\\d)?$',
        description: 'A fixed offset (UTC+5:30) when no timeZone is given or the zone is unknown.',
      }),
    ),
    timeZone: Type.Optional(NonEmptyString('An IANA time zone (e.g. Europe/Vienna), with mode specific.')),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'Session rows to return (default 50); totals count every one.',
      }),
    ),
    includeContextWeight: Type.Optional(
      Type.Boolean({ description: 'Ask for system-prompt breakdowns; none are recorded here (null).' }),
    ),
    creatorKey: Type.Optional(
      NonEmptyString(
        'Only sessions started by this creator (a key from creatorOptions); no creator is recorded, so every session is the unattributed one.',
      ),
    ),
  },
  { $id: 'SessionsUsageParams', description: 'Params of sessions.usage (the reference names).' },
);
export type SessionsUsageParams = Static<typeof SessionsUsageParams>;

function messageCounts(what: string) {
  return {
    total: Count(`User and assistant messages ${what}.`),
    user: Count('User messages.'),
    assistant: Count('Assistant messages (each step of a turn that called tools is one).'),
    toolCalls: Count('Tool calls the assistant made.'),
    toolResults: Count('Tool results.'),
    errors: Count('Failed tool results, and answers that ended in an error or were aborted.'),
  };
}

function toolUsage() {
  return Type.Object(
    {
      totalCalls: Count('Tool calls.'),
      uniqueTools: Count('Different tools called.'),
      tools: Type.Array(
        Type.Object(
          { name: Type.String({ description: 'The tool.' }), count: Count('Its calls.') },
          { additionalProperties: false },
        ),
        { description: 'Per tool, most called first.' },
      ),
    },
    { additionalProperties: false, description: 'Tool calls by name.' },
  );
}

function modelUsage() {
  return Type.Object(
    {
      provider: Type.String({ description: 'The provider name in the config.' }),
      model: Type.Optional(Type.String({ description: 'The model at it (absent in byProvider).' })),
      count: Count('Model calls.'),
      totals: UsageCostTotals,
    },
    { additionalProperties: false, description: 'The calls of one model.' },
  );
}

function dailyModelUsage() {
  return Type.Object(
    {
      date: Day('The calendar day.'),
      provider: Type.String({ description: 'The provider name in the config.' }),
      model: Type.String({ description: 'The model at it.' }),
      tokens: Count('Tokens of its calls that day.'),
      cost: usd('of its priced calls that day'),
      count: Count('Model calls.'),
    },
    { additionalProperties: false, description: 'One model on one day.' },
  );
}

function dailyBreakdown() {
  return Type.Object(
    {
      date: Day('The calendar day.'),
      tokens: Count('totalTokens of the day.'),
      cost: usd('totalCost of the day'),
      ...usageFigures(),
    },
    { additionalProperties: false, description: 'One day of a session.' },
  );
}

export const SessionUsageSummary = Type.Object(
  {
    firstActivity: Type.Optional(TimestampMs('When its first run in the range ended.')),
    lastActivity: Type.Optional(TimestampMs('When its last run in the range ended.')),
    durationMs: Type.Optional(Count('lastActivity - firstActivity.')),
    activityDates: Type.Array(Day('A day with runs.'), { description: 'Days with runs, in order.' }),
    dailyBreakdown: Type.Array(dailyBreakdown(), { description: 'Totals per day with runs.' }),
    dailyModelUsage: Type.Optional(Type.Array(dailyModelUsage(), { description: 'Per day and model.' })),
    modelUsage: Type.Array(modelUsage(), { description: 'Per model, costliest first.' }),
    messageCounts: Type.Object(messageCounts('in its stored transcript within the range'), {
      additionalProperties: false,
      description: 'Counted from the stored transcript (what retention and compaction kept).',
    }),
    toolUsage: toolUsage(),
    dailyMessageCounts: Type.Array(
      Type.Object(
        { date: Day('The calendar day.'), ...messageCounts('that day') },
        { additionalProperties: false },
      ),
      { description: 'The message counts per day, oldest first.' },
    ),
    ...usageFigures(),
  },
  {
    $id: 'SessionUsageSummary',
    additionalProperties: false,
    description:
      "A session's model calls in the range (totals, per day and model), and its messages and tool calls in the range from its stored transcript.",
  },
);
export type SessionUsageSummary = Static<typeof SessionUsageSummary>;

export const SessionUsageRow = Type.Object(
  {
    key: Type.String({ description: 'The session key.' }),
    label: Type.Optional(Type.String({ description: 'Its title, when it has one.' })),
    updatedAt: TimestampMs('Its last activity (its row, else its last run).'),
    agentId: Type.String({ description: 'The agent it belongs to.' }),
    scope: Type.Literal('instance', { description: 'One row per session key.' }),
    channel: Type.Optional(Type.String({ description: 'The channel it talks on, for channel sessions.' })),
    chatType: Type.Optional(
      Type.Union([Type.Literal('direct'), Type.Literal('group')], { description: 'Direct or group chat.' }),
    ),
    model: Type.Optional(Type.String({ description: 'The model of its latest call.' })),
    modelProvider: Type.Optional(Type.String({ description: 'The provider of its latest call.' })),
    usage: Type.Union([SessionUsageSummary, Type.Null()], { description: 'Null when no run in the range.' }),
    hasContextWeight: Type.Literal(false, { description: 'No system-prompt breakdown is recorded.' }),
    contextWeight: Type.Optional(Type.Null({ description: 'Present (null) when includeContextWeight.' })),
  },
  { $id: 'SessionUsageRow', additionalProperties: false, description: 'One session of sessions.usage.' },
);
export type SessionUsageRow = Static<typeof SessionUsageRow>;

export const SessionsUsageAggregates = Type.Object(
  {
    sessionCount: Count('Sessions with runs in the range.'),
    longestSessionDurationMs: Type.Optional(Count('The longest first-to-last run span.')),
    messages: Type.Object(messageCounts('of every matching session'), {
      additionalProperties: false,
      description: 'Message counts summed.',
    }),
    tools: toolUsage(),
    byModel: Type.Array(modelUsage(), { description: 'Per model, costliest first.' }),
    byProvider: Type.Array(modelUsage(), {
      description: 'Per provider (model left blank), costliest first.',
    }),
    byAgent: Type.Array(
      Type.Object(
        { agentId: Type.String({ description: 'The agent.' }), totals: UsageCostTotals },
        { additionalProperties: false },
      ),
      { description: 'Totals per agent, costliest first.' },
    ),
    byChannel: Type.Array(
      Type.Object(
        { channel: Type.String({ description: 'The channel.' }), totals: UsageCostTotals },
        { additionalProperties: false },
      ),
      { description: 'Totals per channel (channel sessions only), costliest first.' },
    ),
    byCreator: Type.Array(
      Type.Object(
        {
          key: Type.String({ description: 'The creator: always the unattributed one here.' }),
          totals: UsageCostTotals,
          sessionCount: Count('Its sessions with activity in the range.'),
          daily: Type.Array(
            Type.Object(
              { date: Day('The calendar day.'), ...usageFigures() },
              { additionalProperties: false },
            ),
            { description: 'Its totals per day.' },
          ),
          sessionActivity: Type.Array(
            Type.Object(
              {
                dates: Type.Array(Day('A day.'), { description: 'Days a session was active on.' }),
                sessionCount: Count('Sessions active on exactly those days.'),
              },
              { additionalProperties: false },
            ),
            { description: 'Its sessions grouped by the days they were active on.' },
          ),
        },
        { additionalProperties: false },
      ),
      {
        description:
          'Totals per session creator. No creator is recorded with a session, so every session counts under the unattributed key.',
      },
    ),
    costDaily: Type.Array(
      Type.Object({ date: Day('The calendar day.'), ...usageFigures() }, { additionalProperties: false }),
      { description: 'Totals per day, oldest first.' },
    ),
    modelDaily: Type.Array(dailyModelUsage(), { description: 'Per day and model, oldest first.' }),
    daily: Type.Array(
      Type.Object(
        {
          date: Day('The calendar day.'),
          tokens: Count('Tokens.'),
          cost: usd('priced cost'),
          messages: Count('User and assistant messages.'),
          toolCalls: Count('Tool calls.'),
          errors: Count('Errors (as messageCounts counts them).'),
        },
        { additionalProperties: false },
      ),
      { description: 'Tokens, cost and messages per day, oldest first.' },
    ),
  },
  {
    $id: 'SessionsUsageAggregates',
    additionalProperties: false,
    description: 'Every matching session summed (not only the rows returned).',
  },
);
export type SessionsUsageAggregates = Static<typeof SessionsUsageAggregates>;

export const SessionsUsageResult = Strict(
  {
    updatedAt: TimestampMs('When the report was made.'),
    startDate: Day('First day of the range.'),
    endDate: Day('Last day of the range.'),
    sessions: Type.Array(SessionUsageRow, {
      description: 'The sessions, most recently active first, up to limit.',
    }),
    totals: UsageCostTotals,
    aggregates: SessionsUsageAggregates,
    creatorOptions: Type.Array(
      Type.Object(
        { key: Type.String({ description: 'The unattributed creator.' }) },
        { additionalProperties: false },
      ),
      { description: 'Creators to filter by: only the unattributed one, as no creator is recorded.' },
    ),
  },
  {
    $id: 'SessionsUsageResult',
    description:
      'Per-session token use and cost from what each run recorded, priced with the prices configured now.',
  },
);
export type SessionsUsageResult = Static<typeof SessionsUsageResult>;

const detailParams = {
  key: NonEmptyString('The session key (a row of sessions.usage).'),
  agentId: Type.Optional(NonEmptyString('The agent the session belongs to.')),
};

export const SessionsUsageTimeseriesParams = Strict(detailParams, {
  $id: 'SessionsUsageTimeseriesParams',
  description: 'Params of sessions.usage.timeseries.',
});
export type SessionsUsageTimeseriesParams = Static<typeof SessionsUsageTimeseriesParams>;

export const SessionsUsageTimeseriesResult = Strict(
  {
    points: Type.Array(
      Type.Object(
        {
          timestamp: TimestampMs('When the run ended (its calls summed).'),
          input: Count('Prompt tokens not read from a cache.'),
          output: Count('Output tokens.'),
          cacheRead: Count('Prompt tokens read from the cache.'),
          cacheWrite: Count('Prompt tokens written to the cache.'),
          totalTokens: Count('All four.'),
          cost: usd('of its priced calls'),
          cumulativeTokens: Count('totalTokens up to and including this point.'),
          cumulativeCost: usd('cost up to and including this point'),
        },
        { additionalProperties: false },
      ),
      { description: 'One point per run (at most 200: older ones merged), oldest first.' },
    ),
  },
  {
    $id: 'SessionsUsageTimeseriesResult',
    description: "A session's token use over time, one point per run.",
  },
);
export type SessionsUsageTimeseriesResult = Static<typeof SessionsUsageTimeseriesResult>;

export const SessionsUsageLogsParams = Strict(
  {
    ...detailParams,
    limit: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Newest entries (default 200, at most 1000).' }),
    ),
  },
  { $id: 'SessionsUsageLogsParams', description: 'Params of sessions.usage.logs.' },
);
export type SessionsUsageLogsParams = Static<typeof SessionsUsageLogsParams>;

export const SessionsUsageLogsResult = Strict(
  {
    logs: Type.Array(
      Type.Object(
        {
          timestamp: TimestampMs('When the message was stored.'),
          role: Type.Union([Type.Literal('user'), Type.Literal('assistant'), Type.Literal('toolResult')], {
            description: 'Who said it.',
          }),
          content: Type.String({ description: 'Its text; tool calls and results marked [Tool: name].' }),
        },
        { additionalProperties: false },
      ),
      { description: "The session's newest transcript entries, oldest first (no per-message tokens)." },
    ),
  },
  { $id: 'SessionsUsageLogsResult', description: "A session's transcript entries for the usage view." },
);
export type SessionsUsageLogsResult = Static<typeof SessionsUsageLogsResult>;

export const sessionsUsage = defineMethod({
  name: 'sessions.usage',
  description: 'Per-session token use and cost over a date range, with totals over every matching session.',
  params: SessionsUsageParams,
  result: SessionsUsageResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsUsageTimeseries = defineMethod({
  name: 'sessions.usage.timeseries',
  description: "One session's token use over time (one point per run).",
  params: SessionsUsageTimeseriesParams,
  result: SessionsUsageTimeseriesResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsUsageLogs = defineMethod({
  name: 'sessions.usage.logs',
  description: "One session's transcript entries, for the usage view.",
  params: SessionsUsageLogsParams,
  result: SessionsUsageLogsResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const sessionsUsageMethods = [sessionsUsage, sessionsUsageTimeseries, sessionsUsageLogs] as const;
