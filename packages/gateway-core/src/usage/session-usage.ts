import {
  DEFAULT_AGENT_ID,
  type GatewayConfig,
  gatewayError,
  type SessionsUsageLogsParams,
  type SessionsUsageLogsResult,
  type SessionsUsageParams,
  type SessionsUsageResult,
  type SessionsUsageTimeseriesParams,
  type SessionsUsageTimeseriesResult,
  type SessionUsageRow,
} from '@openclaw/protocol';
import type { RunUsageRecord, SessionMessageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { modelPrice } from './model-prices.ts';
import { messageActivity } from './session-message-counts.ts';
import { aggregate, sessionSummary, timeseries, UNATTRIBUTED_CREATOR_KEY } from './session-usage-report.ts';
import { usageRange } from './usage-range.ts';

const DEFAULT_ROWS = 50;
const DEFAULT_LOGS = 200;
const MAX_LOGS = 1000;

export interface SessionUsageOptions {
  store: Pick<Store, 'usage' | 'sessions'>;
  clock: Clock;
  config: () => GatewayConfig;
  /** The agent a session key belongs to. */
  agentOf: (sessionKey: string) => string;
}

const invalid = (message: string) => gatewayError('INVALID_REQUEST', 'PARAMS_INVALID', message);

/**
 * The usage view's per-session reports (sessions.usage and its timeseries and logs), read from
 * the runs the store recorded with their session, priced with the prices configured now.
 */
export class SessionUsage {
  readonly #o: SessionUsageOptions;

  constructor(options: SessionUsageOptions) {
    this.#o = options;
  }

  #price = (provider: string, model: string) => modelPrice(this.#o.config().agent, provider, model);

  /** The session's agent, checked against the one the caller named. */
  #ownerOf(key: string, agentId: string | undefined): string {
    const owner = this.#o.agentOf(key);
    if (agentId !== undefined && agentId !== owner)
      throw invalid(`session ${key} belongs to agent ${owner}, not ${agentId}`);
    return owner;
  }

  async sessions(p: SessionsUsageParams): Promise<SessionsUsageResult> {
    if (p.agentScope === 'all' && (p.agentId || p.key))
      throw invalid('agentScope=all cannot be combined with key or agentId');
    const now = this.#o.clock.now();
    const range = usageRange(p, now);
    const agentId =
      p.key !== undefined
        ? this.#ownerOf(p.key, p.agentId)
        : p.agentScope === 'all'
          ? undefined
          : (p.agentId ?? DEFAULT_AGENT_ID);
    // One session's runs are all its own (its agent was checked above), whichever agent answered.
    const runs = await this.#o.store.usage.runs({
      fromMs: range.startMs,
      toMs: range.endMs,
      agentId: p.key === undefined ? agentId : undefined,
      sessionKey: p.key,
    });
    const bySession = new Map<string, RunUsageRecord[]>();
    for (const run of runs) {
      const list = bySession.get(run.sessionKey);
      if (list) list.push(run);
      else bySession.set(run.sessionKey, [run]);
    }
    // A session asked for by key is listed even with no run in the range, if it exists.
    if (p.key !== undefined && !bySession.has(p.key) && (await this.#o.store.sessions.get(p.key)))
      bySession.set(p.key, []);
    // No creator is recorded: every session is the unattributed one, any other creator has none.
    const matched = p.creatorKey === undefined || p.creatorKey === UNATTRIBUTED_CREATOR_KEY;
    const rows: SessionUsageRow[] = [];
    for (const [key, sessionRuns] of matched ? bySession : []) {
      const rec = await this.#o.store.sessions.get(key);
      // Message and tool counts come from what the transcript holds of the range.
      const transcript = rec?.messageCount
        ? await this.#o.store.sessions.history(key, { limit: rec.messageCount })
        : [];
      const activity = messageActivity(transcript, { fromMs: range.startMs, toMs: range.endMs }, range.dayOf);
      const last = sessionRuns.findLast((r) => r.kind !== 'compaction')?.calls.at(-1);
      rows.push({
        key,
        ...(rec?.title ? { label: rec.title } : {}),
        updatedAt: Math.max(rec?.updatedAtMs ?? 0, sessionRuns.at(-1)?.ts ?? 0),
        agentId: sessionRuns[0]?.agentId ?? this.#o.agentOf(key),
        scope: 'instance',
        ...(rec?.channel ? { channel: rec.channel } : {}),
        ...(last ? { model: last.model, modelProvider: last.provider } : {}),
        usage: sessionSummary(sessionRuns, activity, range.dayOf, this.#price),
        hasContextWeight: false,
        ...(p.includeContextWeight ? { contextWeight: null } : {}),
      });
    }
    rows.sort((a, b) => b.updatedAt - a.updatedAt);
    const { totals, aggregates } = aggregate(rows);
    return {
      updatedAt: now,
      startDate: range.dayOf(range.startMs),
      endDate: range.dayOf(range.endMs),
      sessions: rows.slice(0, p.limit ?? DEFAULT_ROWS),
      totals,
      aggregates,
      creatorOptions: bySession.size > 0 ? [{ key: UNATTRIBUTED_CREATOR_KEY }] : [],
    };
  }

  async timeseries(p: SessionsUsageTimeseriesParams): Promise<SessionsUsageTimeseriesResult> {
    await this.#known(p.key, p.agentId);
    const runs = await this.#o.store.usage.runs({ fromMs: 0, toMs: this.#o.clock.now(), sessionKey: p.key });
    return timeseries(runs, this.#price);
  }

  async logs(p: SessionsUsageLogsParams): Promise<SessionsUsageLogsResult> {
    await this.#known(p.key, p.agentId);
    const limit = Math.min(p.limit ?? DEFAULT_LOGS, MAX_LOGS);
    const messages = await this.#o.store.sessions.history(p.key, { limit });
    return { logs: messages.flatMap(logEntry) };
  }

  /** A detail view needs a session with a transcript or recorded runs. */
  async #known(key: string, agentId: string | undefined): Promise<void> {
    this.#ownerOf(key, agentId);
    if (await this.#o.store.sessions.get(key)) return;
    const runs = await this.#o.store.usage.runs({ fromMs: 0, toMs: this.#o.clock.now(), sessionKey: key });
    if (runs.length === 0) throw invalid(`no session ${key}`);
  }
}

/** A transcript message as the usage view's log lists it (tool calls and results marked as it reads them). */
function logEntry(m: SessionMessageRecord): SessionsUsageLogsResult['logs'] {
  if (m.role === 'system') return [];
  if (m.role === 'toolResult')
    return [
      {
        timestamp: m.ts,
        role: 'toolResult',
        content: [`[Tool: ${m.toolName ?? 'tool'}]`, '[Tool Result]', m.text].filter(Boolean).join('\n'),
      },
    ];
  const calls = (m.toolCalls ?? []).map((c) => `[Tool: ${c.name}]`);
  return [{ timestamp: m.ts, role: m.role, content: [m.text, ...calls].filter(Boolean).join('\n') }];
}
