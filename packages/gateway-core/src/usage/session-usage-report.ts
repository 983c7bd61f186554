import type {
  SessionsUsageAggregates,
  SessionsUsageTimeseriesResult,
  SessionUsageSummary,
  UsageCostTotals,
} from '@openclaw/protocol';
import type { RunUsageRecord } from '../store/types.ts';
import type { ModelPrice } from './model-prices.ts';
import { addCounts, emptyCounts } from './session-message-counts.ts';
import { addUsage, emptyTotals } from './usage-cost-report.ts';

/** No creator is recorded with a session, so every one is this (the reference's unattributed key). */
export const UNATTRIBUTED_CREATOR_KEY = '["unknown"]';

type Price = (provider: string, model: string) => ModelPrice | undefined;
type ModelEntry = SessionUsageSummary['modelUsage'][number];
type DailyModel = NonNullable<SessionUsageSummary['dailyModelUsage']>[number];

function addTotals(t: UsageCostTotals, s: UsageCostTotals): void {
  t.input += s.input;
  t.output += s.output;
  t.cacheRead += s.cacheRead;
  t.cacheWrite += s.cacheWrite;
  t.totalTokens += s.totalTokens;
  t.totalCost += s.totalCost;
  t.inputCost += s.inputCost;
  t.outputCost += s.outputCost;
  t.cacheReadCost += s.cacheReadCost;
  t.cacheWriteCost += s.cacheWriteCost;
  t.missingCostEntries += s.missingCostEntries;
  for (const [model, n] of Object.entries(s.missingCostByModel ?? {}))
    t.missingCostByModel = { ...t.missingCostByModel, [model]: (t.missingCostByModel?.[model] ?? 0) + n };
}

const byCost = (a: { totals: UsageCostTotals }, b: { totals: UsageCostTotals }) =>
  b.totals.totalCost - a.totals.totalCost || b.totals.totalTokens - a.totals.totalTokens;

function entry<K>(map: Map<K, ModelEntry>, id: K, provider: string, model?: string): ModelEntry {
  let e = map.get(id);
  if (!e) {
    e = {
      provider,
      ...(model !== undefined ? { model } : {}),
      count: 0,
      totals: emptyTotals(),
    } as ModelEntry;
    map.set(id, e);
  }
  return e;
}

type Activity = Pick<SessionUsageSummary, 'messageCounts' | 'toolUsage' | 'dailyMessageCounts'> & {
  /** When its first and last message in the range were stored. */
  span?: { first: number; last: number } | undefined;
};

/**
 * One session's runs (already within the range) and its transcript's activity in the range, as
 * the reference's per-session usage summary; null when it had neither.
 */
export function sessionSummary(
  runs: readonly RunUsageRecord[],
  activity: Activity,
  dayOf: (ms: number) => string,
  price: Price,
): SessionUsageSummary | null {
  if (runs.length === 0 && activity.dailyMessageCounts.length === 0) return null;
  const totals = emptyTotals();
  const days = new Map<string, UsageCostTotals>();
  const models = new Map<string, ModelEntry>();
  const dailyModels = new Map<string, DailyModel>();
  for (const run of runs) {
    const date = dayOf(run.ts);
    let day = days.get(date);
    if (!day) {
      day = emptyTotals();
      days.set(date, day);
    }
    for (const c of run.calls) {
      const one = emptyTotals();
      addUsage(one, c, price(c.provider, c.model), c.model, 1);
      addTotals(totals, one);
      addTotals(day, one);
      const m = entry(models, JSON.stringify([c.provider, c.model]), c.provider, c.model);
      m.count++;
      addTotals(m.totals, one);
      const id = JSON.stringify([date, c.provider, c.model]);
      const dm = dailyModels.get(id) ?? {
        date,
        provider: c.provider,
        model: c.model,
        tokens: 0,
        cost: 0,
        count: 0,
      };
      dm.tokens += one.totalTokens;
      dm.cost += one.totalCost;
      dm.count++;
      dailyModels.set(id, dm);
    }
  }
  // The span of the session's activity in the range: its runs and its transcript's messages.
  const instants = [runs[0]?.ts, runs.at(-1)?.ts, activity.span?.first, activity.span?.last].filter(
    (t): t is number => t !== undefined,
  );
  const firstActivity = instants.length ? Math.min(...instants) : undefined;
  const lastActivity = instants.length ? Math.max(...instants) : undefined;
  const dates = [...days.keys()].sort();
  return {
    ...(firstActivity !== undefined && lastActivity !== undefined
      ? { firstActivity, lastActivity, durationMs: lastActivity - firstActivity }
      : {}),
    activityDates: [...new Set([...dates, ...activity.dailyMessageCounts.map((d) => d.date)])].sort(),
    dailyBreakdown: dates.map((date) => {
      const t = days.get(date)!;
      return { date, tokens: t.totalTokens, cost: t.totalCost, ...t };
    }),
    dailyModelUsage: [...dailyModels.values()].sort(
      (a, b) => a.date.localeCompare(b.date) || b.cost - a.cost,
    ),
    modelUsage: [...models.values()].sort(byCost),
    messageCounts: activity.messageCounts,
    toolUsage: activity.toolUsage,
    dailyMessageCounts: activity.dailyMessageCounts,
    ...totals,
  };
}

/** What a matching session adds to the report-wide figures. */
export interface AggregateInput {
  usage: SessionUsageSummary | null;
  agentId: string;
  channel?: string | undefined;
}

/** Every matching session summed (the reference's `aggregates`), and the grand totals. */
export function aggregate(sessions: readonly AggregateInput[]): {
  totals: UsageCostTotals;
  aggregates: SessionsUsageAggregates;
} {
  const totals = emptyTotals();
  const models = new Map<string, ModelEntry>();
  const providers = new Map<string, ModelEntry>();
  const agents = new Map<string, UsageCostTotals>();
  const channels = new Map<string, UsageCostTotals>();
  const costDays = new Map<string, UsageCostTotals>();
  const dailyModels = new Map<string, DailyModel>();
  const messages = emptyCounts();
  const tools = new Map<string, number>();
  const dayMessages = new Map<string, ReturnType<typeof emptyCounts>>();
  let sessionCount = 0;
  let longest = 0;
  const group = (map: Map<string, UsageCostTotals>, id: string, u: UsageCostTotals) => {
    const t = map.get(id) ?? emptyTotals();
    addTotals(t, u);
    map.set(id, t);
  };
  for (const { usage, agentId, channel } of sessions) {
    if (!usage) continue;
    sessionCount++;
    longest = Math.max(longest, usage.durationMs ?? 0);
    addTotals(totals, usage);
    addCounts(messages, usage.messageCounts);
    for (const t of usage.toolUsage.tools) tools.set(t.name, (tools.get(t.name) ?? 0) + t.count);
    for (const { date, ...c } of usage.dailyMessageCounts) {
      const day = dayMessages.get(date) ?? emptyCounts();
      addCounts(day, c);
      dayMessages.set(date, day);
    }
    group(agents, agentId, usage);
    if (channel) group(channels, channel, usage);
    for (const m of usage.modelUsage) {
      const e = entry(models, JSON.stringify([m.provider, m.model]), m.provider, m.model);
      e.count += m.count;
      addTotals(e.totals, m.totals);
      const p = entry(providers, m.provider, m.provider);
      p.count += m.count;
      addTotals(p.totals, m.totals);
    }
    for (const d of usage.dailyBreakdown) {
      const { date, tokens: _t, cost: _c, ...dayTotals } = d;
      group(costDays, date, dayTotals);
    }
    for (const d of usage.dailyModelUsage ?? []) {
      const id = JSON.stringify([d.date, d.provider, d.model]);
      const e = dailyModels.get(id) ?? { ...d, tokens: 0, cost: 0, count: 0 };
      e.tokens += d.tokens;
      e.cost += d.cost;
      e.count += d.count;
      dailyModels.set(id, e);
    }
  }
  const sessionActivity = new Map<string, { dates: string[]; sessionCount: number }>();
  for (const { usage } of sessions) {
    if (!usage) continue;
    const id = JSON.stringify(usage.activityDates);
    const a = sessionActivity.get(id) ?? { dates: usage.activityDates, sessionCount: 0 };
    a.sessionCount++;
    sessionActivity.set(id, a);
  }
  const costDaily = [...costDays]
    .map(([date, t]) => ({ date, ...t }))
    .sort((a, b) => a.date.localeCompare(b.date));
  const toolList = [...tools].map(([name, count]) => ({ name, count })).sort((a, b) => b.count - a.count);
  const dates = [...new Set([...costDays.keys(), ...dayMessages.keys()])].sort();
  return {
    totals,
    aggregates: {
      sessionCount,
      ...(longest > 0 ? { longestSessionDurationMs: longest } : {}),
      messages,
      tools: {
        totalCalls: toolList.reduce((n, t) => n + t.count, 0),
        uniqueTools: toolList.length,
        tools: toolList,
      },
      byModel: [...models.values()].sort(byCost),
      byProvider: [...providers.values()].sort(byCost),
      byAgent: [...agents].map(([agentId, t]) => ({ agentId, totals: t })).sort(byCost),
      byCreator:
        sessionCount > 0
          ? [
              {
                key: UNATTRIBUTED_CREATOR_KEY,
                totals,
                sessionCount,
                daily: costDaily,
                sessionActivity: [...sessionActivity.values()].sort((a, b) =>
                  a.dates.join(',').localeCompare(b.dates.join(',')),
                ),
              },
            ]
          : [],
      byChannel: [...channels].map(([channel, t]) => ({ channel, totals: t })).sort(byCost),
      costDaily,
      modelDaily: [...dailyModels.values()].sort((a, b) => a.date.localeCompare(b.date) || b.cost - a.cost),
      daily: dates.map((date) => {
        const t = costDays.get(date);
        const m = dayMessages.get(date) ?? emptyCounts();
        return {
          date,
          tokens: t?.totalTokens ?? 0,
          cost: t?.totalCost ?? 0,
          messages: m.total,
          toolCalls: m.toolCalls,
          errors: m.errors,
        };
      }),
    },
  };
}

/** At most this many points: older neighbours are merged (the reference's limit). */
const MAX_POINTS = 200;

/** A session's runs as points over time, cumulative figures included. */
export function timeseries(runs: readonly RunUsageRecord[], price: Price): SessionsUsageTimeseriesResult {
  let points = runs.map((run) => {
    const t = emptyTotals();
    for (const c of run.calls) addUsage(t, c, price(c.provider, c.model), c.model, 1);
    return {
      timestamp: run.ts,
      input: t.input,
      output: t.output,
      cacheRead: t.cacheRead,
      cacheWrite: t.cacheWrite,
      totalTokens: t.totalTokens,
      cost: t.totalCost,
    };
  });
  if (points.length > MAX_POINTS) {
    const step = Math.ceil(points.length / MAX_POINTS);
    const merged: typeof points = [];
    for (let i = 0; i < points.length; i += step) {
      const group = points.slice(i, i + step);
      merged.push({
        timestamp: group.at(-1)!.timestamp,
        input: group.reduce((n, p) => n + p.input, 0),
        output: group.reduce((n, p) => n + p.output, 0),
        cacheRead: group.reduce((n, p) => n + p.cacheRead, 0),
        cacheWrite: group.reduce((n, p) => n + p.cacheWrite, 0),
        totalTokens: group.reduce((n, p) => n + p.totalTokens, 0),
        cost: group.reduce((n, p) => n + p.cost, 0),
      });
    }
    points = merged;
  }
  let cumulativeTokens = 0;
  let cumulativeCost = 0;
  return {
    points: points.map((p) => {
      cumulativeTokens += p.totalTokens;
      cumulativeCost += p.cost;
      return { ...p, cumulativeTokens, cumulativeCost };
    }),
  };
}
