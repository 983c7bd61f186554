import { type Static, Type } from '@sinclair/typebox';
import { Count, NonEmptyString, Strict, TimestampMs } from '../schema/primitives.ts';
import { defineMethod } from './define.ts';

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

const usd = (what: string) => Type.Number({ minimum: 0, description: `US dollars: ${what}.` });

/** The figures a total and each day carry (the reference's layout), built anew for each place. */
export function usageFigures() {
  return {
    input: Count('Prompt tokens not read from a cache.'),
    output: Count('Output tokens.'),
    cacheRead: Count('Prompt tokens read from the provider cache.'),
    cacheWrite: Count('Prompt tokens written to the provider cache.'),
    totalTokens: Count('input + output + cacheRead + cacheWrite.'),
    totalCost: usd('the cost of the calls whose model has a price (see missingCostEntries)'),
    inputCost: usd('of input'),
    outputCost: usd('of output'),
    cacheReadCost: usd('of cacheRead'),
    cacheWriteCost: usd('of cacheWrite'),
    missingCostEntries: Count(
      'Model calls whose model has no price configured: their tokens count, their cost is unknown (not in totalCost).',
    ),
    missingCostByModel: Type.Optional(
      Type.Record(Type.String(), Count('Calls.'), {
        description: 'Those calls by model (`provider/model`); absent when every call had a price.',
      }),
    ),
  };
}

export const UsageCostParams = Strict(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Days up to and including today (default 30).' }),
    ),
    startDate: Type.Optional(
      Type.String({ pattern: DATE_PATTERN, description: 'First day (YYYY-MM-DD), with endDate.' }),
    ),
    endDate: Type.Optional(
      Type.String({ pattern: DATE_PATTERN, description: 'Last day (YYYY-MM-DD), with startDate.' }),
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
        { description: 'A named range instead of days.' },
      ),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('utc'), Type.Literal('gateway'), Type.Literal('specific')], {
        description:
          "Whose calendar days: UTC (default), the gateway host's time zone, or `specific` (timeZone, else utcOffset).",
      }),
    ),
    timeZone: Type.Optional(NonEmptyString('An IANA time zone (e.g. Europe/Vienna), with mode specific.')),
    utcOffset: Type.Optional(
      Type.String({
        pattern: '^(UTC[+-]\\d{1,2}(?::[0-5]\\d)?)?$',
        description: 'A fixed offset (UTC+5:30) when no timeZone is given; blank counts as absent.',
      }),
    ),
    agentId: Type.Optional(NonEmptyString('One agent (default: main).')),
    agentScope: Type.Optional(Type.Literal('all', { description: 'Every agent; not with agentId.' })),
  },
  { $id: 'UsageCostParams', description: 'Params of usage.cost (the reference names).' },
);
export type UsageCostParams = Static<typeof UsageCostParams>;

export const UsageCostDay = Type.Object(
  { date: Type.String({ pattern: DATE_PATTERN, description: 'The calendar day.' }), ...usageFigures() },
  { $id: 'UsageCostDay', additionalProperties: false, description: 'One day with model calls.' },
);
export type UsageCostDay = Static<typeof UsageCostDay>;

export const UsageCostTotals = Type.Object(usageFigures(), {
  $id: 'UsageCostTotals',
  additionalProperties: false,
  description: 'Token and cost totals.',
});
export type UsageCostTotals = Static<typeof UsageCostTotals>;

export const UsageCostResult = Strict(
  {
    updatedAt: TimestampMs('When the summary was made.'),
    days: Type.Integer({ minimum: 1, description: 'Days the range covers.' }),
    daily: Type.Array(UsageCostDay, { description: 'The days with model calls, oldest first.' }),
    totals: UsageCostTotals,
  },
  {
    $id: 'UsageCostResult',
    description:
      'Token use and cost of the agent model calls in the range, from what each call reported; cost from the prices configured per model (agent.providers.<name>.models.<model>.cost).',
  },
);
export type UsageCostResult = Static<typeof UsageCostResult>;

export const usageCost = defineMethod({
  name: 'usage.cost',
  description:
    'Token use and cost over a date range: totals and per day, for one agent (default main) or all of them.',
  params: UsageCostParams,
  result: UsageCostResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const UsageStatusParams = Strict(
  {},
  { $id: 'UsageStatusParams', description: 'usage.status takes no params.' },
);
export type UsageStatusParams = Static<typeof UsageStatusParams>;

export const UsageStatusResult = Strict(
  {
    updatedAt: TimestampMs('When the answer was made.'),
    providers: Type.Array(Type.Never(), {
      description:
        'Provider quota windows, plans and balances: always empty here, as no provider usage endpoint is read (the reference answers the same when it has no provider credentials for them).',
    }),
  },
  {
    $id: 'UsageStatusResult',
    description: "Providers' own usage reports (quota windows, balances): none are read by this gateway.",
  },
);
export type UsageStatusResult = Static<typeof UsageStatusResult>;

export const usageStatus = defineMethod({
  name: 'usage.status',
  description:
    "Providers' own quota windows and balances: an empty list, as this gateway reads no provider usage endpoint.",
  params: UsageStatusParams,
  result: UsageStatusResult,
  scope: 'operator.read',
  sideEffect: false,
});

export const usageMethods = [usageCost, usageStatus] as const;
