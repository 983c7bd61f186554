import type { AgentWaitResult } from '@openclaw/protocol';
import type { Logger } from '../logging/logger.ts';
import { withMedia } from '../media/inbound-media.ts';
import type {
  FailureReason,
  RunRecord,
  RunStatus,
  SessionBounds,
  SessionMessageRecord,
  Store,
  StoredMedia,
} from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { heartbeatMarkOf, withoutQuietHeartbeats } from './heartbeat-transcript.ts';
import type { HistoryTurn, ResponderReply, TurnMessage } from './responder.ts';

/** How many times the history window is read, so that hidden heartbeat turns do not crowd it out. */
const HEARTBEAT_ROOM = 3;

export interface RunJournalOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** Store a message in a session's transcript (the conversations' one append, which tells watchers). */
  append(
    message: Omit<SessionMessageRecord, 'seq'>,
    bounds?: SessionBounds,
    deferred?: boolean,
  ): Promise<SessionMessageRecord>;
  /** The session's history bounds, enforced when a run's answer is stored. */
  bounds(): SessionBounds | undefined;
  /** In a cluster: the check that the run is still this gateway's, made before its steps are stored. */
  fence?: ((runId: string) => Promise<void> | undefined) | undefined;
}

/** What a run starts from: its earlier messages, where its own prompt sits, and for a resumed run its stored steps. */
export interface RunContext {
  history: HistoryTurn[];
  lastSeq: number | undefined;
  steps: HistoryTurn[];
}

/**
 * What is kept of a run: its record from acceptance to its end, the tool steps and results it
 * stores as they happen (so a crash loses none of them), its answer (or the partial text of a
 * failed run), and what a run (re)starting reads back.
 */
export class RunJournal {
  readonly #o: RunJournalOptions;

  constructor(options: RunJournalOptions) {
    this.#o = options;
  }

  /**
   * Persist an accepted run (idempotent on its dedupe key); `deferred`: without waiting for the
   * disk, and the caller waits for `synced()` before it tells anyone the run is kept.
   */
  create(record: RunRecord, deferred = false): Promise<{ created: boolean; record: RunRecord }> {
    return this.#runs(deferred).create(record);
  }

  /** Everything written so far is on disk (at once for a store without deferred writes). */
  async synced(): Promise<void> {
    await this.#o.store.deferred?.synced();
  }

  /** A queued run's message grew (another message merged into it). */
  async setMessage(runId: string, message: string): Promise<void> {
    await this.#o.store.runs.update(runId, { message });
  }

  /**
   * Not waited onto disk: lost in a crash, the run reads as never started (started again on the
   * next start); anything it stores later (a tool step, its answer, its reply) is durable and carries
   * this along.
   */
  async markRunning(record: RunRecord, startedAtMs: number): Promise<void> {
    record.startedAtMs = startedAtMs;
    record.status = 'running';
    await this.#runs(true).update(record.runId, {
      status: 'running',
      startedAtMs,
      startSeq: record.startSeq,
    });
  }

  /** A message of the turn (a tool step, a tool result), stored as it happens. */
  async recordStep(run: RunRecord, m: TurnMessage): Promise<void> {
    await this.#o.fence?.(run.runId);
    await this.#o.append({
      sessionKey: run.sessionKey,
      id: newId('msg'),
      ts: this.#o.clock.now(),
      runId: run.runId,
      status: 'complete',
      ...m,
      ...heartbeatMarkOf(run),
    });
  }

  /**
   * The run's answer (with what the model reasoned before it), in the session within its bounds;
   * `deferred` when a durable write follows.
   */
  storeAnswer(
    run: RunRecord,
    answer: string | ResponderReply,
    deferred = false,
  ): Promise<SessionMessageRecord> {
    const { text, media = [], reasoning } = typeof answer === 'string' ? { text: answer } : answer;
    const message = { ...this.#assistant(run, text, 'complete', media), ...heartbeatMarkOf(run, text) };
    return this.#o.append(reasoning ? { ...message, reasoning } : message, this.#o.bounds(), deferred);
  }

  /** What a run that did not finish had said so far (best effort: the run's end is recorded anyway). */
  async storeUnfinished(run: RunRecord, text: string, status: 'aborted' | 'error'): Promise<void> {
    await this.#o.append(this.#assistant(run, text, status), this.#o.bounds()).catch(() => {});
  }

  /** The assistant message a run leaves in its session: its answer, or what it had said when it stopped. */
  #assistant(
    run: RunRecord,
    text: string,
    status: 'complete' | 'aborted' | 'error',
    media: StoredMedia[] = [],
  ): Omit<SessionMessageRecord, 'seq'> {
    return {
      sessionKey: run.sessionKey,
      id: newId('msg'),
      role: 'assistant',
      text,
      ts: this.#o.clock.now(),
      runId: run.runId,
      status,
      ...(media.length ? { media } : {}),
      ...heartbeatMarkOf(run),
    };
  }

  /** How the run ended (logged, never thrown, when the store refuses); `deferred` when a durable write follows. */
  async markEnded(
    runId: string,
    end: {
      status: RunStatus;
      output: string;
      endedAtMs: number;
      error?: string | undefined;
      errorReason?: FailureReason | undefined;
    },
    deferred = false,
  ): Promise<void> {
    const { error, ...rest } = end;
    await this.#runs(deferred)
      .update(runId, { ...rest, ...(error !== undefined ? { error } : {}) })
      .catch((e: unknown) => this.#o.log.error({ runId, err: e }, 'could not record the end of a run'));
  }

  #runs(deferred: boolean): Store['runs'] {
    return deferred ? (this.#o.store.deferred?.runs ?? this.#o.store.runs) : this.#o.store.runs;
  }

  /** Where a run stands, as `agent.wait` reports it; undefined for an unknown run. */
  async report(runId: string): Promise<AgentWaitResult | undefined> {
    const r = await this.#o.store.runs.get(runId);
    if (!r) return undefined;
    const out: AgentWaitResult = { runId, status: r.status };
    if (r.output !== undefined) out.output = r.output;
    if (r.error !== undefined) out.error = r.error;
    if (r.startedAtMs !== undefined) out.startedAtMs = r.startedAtMs;
    if (r.endedAtMs !== undefined) out.endedAtMs = r.endedAtMs;
    return out;
  }

  /**
   * What a run sends its model: up to `n` earlier messages (without its own prompt, which the
   * backend gets as `text`), and for a resumed run the tool steps it had stored before the restart.
   * A run that waited in the queue also gets what came after its prompt from the runs before it
   * (their steps, their answers), but not the prompts of runs still waiting behind it.
   */
  async contextFor(run: RunRecord, n: number): Promise<RunContext> {
    const { sessionKey, promptSeq } = run;
    const beforeSeq = run.startSeq !== undefined ? run.startSeq + 1 : undefined;
    // Room for the prompts left out below (merged into it, or of runs queued behind it).
    const limit = promptSeq === undefined ? n + 1 : n + 9;
    let all = await this.#o.store.sessions.history(sessionKey, { limit, beforeSeq });
    // Quiet heartbeat turns are left out below: when the window holds some, read up to three
    // windows back, so that a session polled often still gives its model real conversation. Only
    // then: a session without them reads no more than before.
    if (all.some((m) => m.heartbeat !== undefined))
      all = await this.#o.store.sessions.history(sessionKey, { limit: limit * HEARTBEAT_ROOM, beforeSeq });
    const lastSeq = all.at(-1)?.seq;
    // Its own prompt goes as `text`; without its place (older records) the newest message is it.
    const earlier = withoutQuietHeartbeats(
      promptSeq === undefined
        ? all.slice(0, -1)
        : all.filter((m) => m.seq < promptSeq || (m.seq > promptSeq && m.role !== 'user')),
    ).slice(-n);
    const steps =
      run.startSeq === undefined
        ? []
        : (await this.#o.store.sessions.history(sessionKey, { limit: 1000 }))
            .filter((m) => m.seq > run.startSeq! && m.runId === run.runId && m.role !== 'user')
            .map(turnOf);
    if (n <= 0) return { history: [], lastSeq, steps };
    const history = earlier
      .map((m) => ({ ...m, text: withMedia(m.text, m.media ?? []) }))
      .filter(
        (m) =>
          (m.text.trim() !== '' || m.toolCalls?.length || m.role === 'toolResult') &&
          (m.status === undefined || m.status === 'complete'),
      )
      .map(turnOf);
    return { history, lastSeq, steps };
  }
}

function turnOf(m: SessionMessageRecord): HistoryTurn {
  const turn: HistoryTurn = { role: m.role, text: m.text, seq: m.seq };
  if (m.toolCalls?.length) turn.toolCalls = m.toolCalls;
  if (m.toolCallId) turn.toolCallId = m.toolCallId;
  if (m.toolName) turn.toolName = m.toolName;
  if (m.isError !== undefined) turn.isError = m.isError;
  if (m.images?.length) turn.images = m.images;
  if (m.attachments?.length) turn.attachments = m.attachments;
  return turn;
}
