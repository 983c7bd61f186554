// The storage seam's token accounting: what each model call of an agent run used, kept apart from
// the run (runs are pruned, a cost report reaches back months), and each session's latest run.

/** The tokens one model call used, as its provider reported them (absent counts are 0). */
export interface ModelCallUsage {
  /** The provider's name in the config (`agent.providers`), and the model at it. */
  provider: string;
  model: string;
  /** Prompt tokens not served from the provider's cache. */
  input: number;
  output: number;
  /** Prompt tokens read from, and written to, the provider's prompt cache. */
  cacheRead: number;
  cacheWrite: number;
}

/** The model calls of one run (or of the part of it one gateway ran), recorded when it ended. */
export interface RunUsageRecord {
  runId: string;
  sessionKey: string;
  /** The agent that answered. */
  agentId: string;
  /** When the run ended (its calls count on that day). */
  ts: number;
  calls: ModelCallUsage[];
  /**
   * `compaction`: the summary call of sessions.compact, not a turn. It counts in the cost
   * history and the session's usage, but never becomes the session's latest run.
   */
  kind?: 'compaction' | undefined;
}

/** Usage summed over one quarter hour, agent and model (every time zone's days are whole quarters). */
export interface UsageBucket {
  /** Start of the quarter hour, ms since the epoch. */
  startMs: number;
  agentId: string;
  provider: string;
  model: string;
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
  /** Model calls summed. */
  calls: number;
}

export interface UsageRepo {
  /** Store a run's calls, and (unless a compaction) make it its session's latest (what the session row shows). */
  record(run: RunUsageRecord): Promise<void>;
  /** Sums per quarter hour, agent and model of the calls recorded in [fromMs, toMs]; one agent's when given. */
  buckets(query: { fromMs: number; toMs: number; agentId?: string | undefined }): Promise<UsageBucket[]>;
  /**
   * The runs that ended in [fromMs, toMs], oldest first, each with its calls in order; one
   * agent's or one session's when given.
   */
  runs(query: {
    fromMs: number;
    toMs: number;
    agentId?: string | undefined;
    sessionKey?: string | undefined;
  }): Promise<RunUsageRecord[]>;
  /** The latest recorded run of each of these sessions (sessions with none are left out). */
  latest(sessionKeys: readonly string[]): Promise<Map<string, RunUsageRecord>>;
  /** A session was deleted: it has no latest run any more (its calls stay in the cost history). */
  forget(sessionKey: string): Promise<void>;
}
