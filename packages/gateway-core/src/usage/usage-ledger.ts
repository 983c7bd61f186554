import {
  DEFAULT_AGENT_ID,
  type GatewayConfig,
  gatewayError,
  type UsageCostParams,
  type UsageCostResult,
} from '@openclaw/protocol';
import type { RunUsageRecord, Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { modelPrice } from './model-prices.ts';
import { addUsage, costReport, emptyTotals } from './usage-cost-report.ts';
import { daysBetween, usageRange } from './usage-range.ts';

export interface UsageLedgerOptions {
  store: Pick<Store, 'usage' | 'deferred'>;
  clock: Clock;
  config: () => GatewayConfig;
  /** The context window of a model (`provider/model`), for session rows. */
  contextTokens(modelRef: string): number;
}

/** What a session row says of its tokens (the reference's SessionRow names). */
export interface SessionUsageFigures {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  totalTokensFresh: true;
  contextTokens: number;
  estimatedCostUsd?: number;
  model: string;
  modelProvider: string;
}

/**
 * Token accounting: each run's model calls as it ends (written without its own disk sync: the
 * run's next durable write carries it), the session rows' figures, and the cost reports, priced
 * with the prices configured now.
 */
export class UsageLedger {
  readonly #o: UsageLedgerOptions;

  constructor(options: UsageLedgerOptions) {
    this.#o = options;
  }

  /**
   * A run's calls. Deferred: every run's end is followed by a durable write (its answer, its
   * reply's outbox record, or what it had said when it failed) that carries this one to disk.
   */
  record(run: Omit<RunUsageRecord, 'ts'>): Promise<void> {
    const repo = this.#o.store.deferred?.usage ?? this.#o.store.usage;
    return repo.record({ ...run, ts: this.#o.clock.now() });
  }

  /** The figures of these sessions' latest runs (sessions with none are left out). */
  async sessionFigures(keys: readonly string[]): Promise<Map<string, SessionUsageFigures>> {
    const out = new Map<string, SessionUsageFigures>();
    if (keys.length === 0) return out;
    const agent = this.#o.config().agent;
    for (const [key, run] of await this.#o.store.usage.latest(keys)) {
      const last = run.calls.at(-1);
      if (!last) continue;
      const t = emptyTotals();
      for (const c of run.calls) addUsage(t, c, modelPrice(agent, c.provider, c.model), c.model, 1);
      const figures: SessionUsageFigures = {
        inputTokens: t.input,
        outputTokens: t.output,
        totalTokens: last.input + last.cacheRead + last.cacheWrite,
        totalTokensFresh: true,
        contextTokens: this.#o.contextTokens(`${last.provider}/${last.model}`),
        model: last.model,
        modelProvider: last.provider,
      };
      if (t.missingCostEntries === 0) figures.estimatedCostUsd = t.totalCost;
      out.set(key, figures);
    }
    return out;
  }

  /** usage.cost: one agent's (default main) or every agent's calls over the range asked for. */
  async cost(p: UsageCostParams): Promise<UsageCostResult> {
    if (p.agentScope === 'all' && p.agentId)
      throw gatewayError(
        'INVALID_REQUEST',
        'PARAMS_INVALID',
        'agentScope=all cannot be combined with agentId',
      );
    const now = this.#o.clock.now();
    const range = usageRange(p, now);
    const agentId = p.agentScope === 'all' ? undefined : (p.agentId ?? DEFAULT_AGENT_ID);
    const buckets = await this.#o.store.usage.buckets({ fromMs: range.startMs, toMs: range.endMs, agentId });
    const first = buckets[0];
    const days = range.days ?? (first ? daysBetween(range.dayOf(first.startMs), range.dayOf(now)) : 1);
    const agent = this.#o.config().agent;
    return costReport(buckets, {
      days,
      now,
      dayOf: range.dayOf,
      price: (provider, model) => modelPrice(agent, provider, model),
    });
  }
}
