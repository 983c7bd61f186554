import type { AgentEvent, AgentWaitResult, ChatEvent, ChatMessage } from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import { outboxMediaOf } from '../media/send-media.ts';
import type {
  FailureReason,
  RunRecord,
  RunStatus,
  SessionBounds,
  SessionMessageRecord,
  Store,
} from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { chatMessageShown, streamsToChat } from './heartbeat-transcript.ts';
import { type ReplySink, type ReplyTarget, replyDelivery } from './reply-sink.ts';
import type { Responder } from './responder.ts';
import { handOverRuns, RunHandedOver, settleWithin, stopReasonFor } from './run-handover.ts';
import { RunJournal } from './run-journal.ts';
import { type RunLeases, RunTakenOver } from './run-leases.ts';
import { queueIsFull, type RunSettings } from './run-settings.ts';
import type { StartRunInput } from './start-run-input.ts';
import { TurnTyping } from './turn-typing.ts';

export type { ReplySink, ReplyTarget, StartRunInput };

export interface SessionRunsOptions {
  store: Store;
  /** In a cluster, this gateway: the runs it starts record it. */
  gatewayId?: string | undefined;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  responder: () => Responder;
  /** Replies to channel chats, with the media they carry. */
  replies: ReplySink;
  settings: () => RunSettings;
  /** Reads stored media for backends that take it (images for a vision model). */
  readMedia?: ((ref: string) => Promise<Uint8Array>) | undefined;
  /** Typing in the chat while a run that answers it is going (and stopped after). */
  typing?: ((target: ReplyTarget, on: boolean) => void) | undefined;
  /** In a cluster: each run's lease, checked before every write the run makes (fencing). */
  runLeases?: RunLeases | undefined;
  /** Store a message in a session's transcript (the conversations' one append, which tells watchers). */
  append(
    message: Omit<SessionMessageRecord, 'seq'>,
    bounds?: SessionBounds,
    deferred?: boolean,
  ): Promise<SessionMessageRecord>;
  /** A run started or ended in a session (its row's activity changed). */
  onRunChange?: ((sessionKey: string) => void) | undefined;
}

interface LiveRun {
  record: RunRecord;
  controller: AbortController;
  done: Promise<void>;
  resolveDone(): void;
}

class RunTimeout extends Error {
  override name = 'RunTimeout';
}

/**
 * The runs that answer sessions: persisted from acceptance, one at a time per session (later ones
 * queue, or merge into the queued one), streamed as `agent` events and mirrored as `chat` events,
 * ended as ok / error / aborted / timeout, with channel replies handed to the outbox (its ReplySink).
 */
export class SessionRuns {
  readonly #o: SessionRunsOptions;
  readonly #journal: RunJournal;
  readonly #live = new Map<string, LiveRun>();
  readonly #active = new Map<string, LiveRun>();
  readonly #queued = new Map<string, LiveRun[]>();
  readonly #running = new Set<Promise<void>>();
  /** Runs stopped by close() to be handed over. */
  readonly #stopped: RunRecord[] = [];
  #closed = false;

  constructor(options: SessionRunsOptions) {
    this.#o = options;
    this.#journal = new RunJournal({
      store: options.store,
      clock: options.clock,
      log: options.log,
      append: options.append,
      bounds: () => this.#settings.bounds,
      fence: (runId) => options.runLeases?.fence(runId),
    });
  }

  get #settings(): RunSettings {
    return this.#o.settings();
  }

  /** Runs waiting behind the session's active one. */
  queuedCount(sessionKey: string): number {
    return this.#queued.get(sessionKey)?.length ?? 0;
  }

  /** Persist a run and start it, or queue it behind the session's active run. */
  async startRun(input: StartRunInput): Promise<{ runId: string; status: 'started' | 'queued' }> {
    const queue = this.#queued.get(input.sessionKey);
    const busy = this.#active.has(input.sessionKey);
    if (
      busy &&
      queue?.length &&
      this.#settings.queueMode === 'merge' &&
      input.source !== 'cron' &&
      input.source !== 'heartbeat' &&
      !input.replay
    ) {
      // One queued run answers everything that arrived while the session was busy.
      const last = queue[queue.length - 1]!;
      last.record.message = `${last.record.message}\n\n${input.message}`;
      await this.#journal.setMessage(last.record.runId, last.record.message);
      return { runId: last.record.runId, status: 'queued' };
    }
    const record: RunRecord = {
      runId: input.runId ?? newId('run'),
      sessionKey: input.sessionKey,
      dedupeKey: input.dedupeKey,
      source: input.source,
      status: 'accepted',
      message: input.message,
      deliverTo: input.deliverTo,
      timeoutMs: input.timeoutMs,
      createdAtMs: this.#o.clock.now(),
      ...(input.media?.length ? { media: input.media } : {}),
      ...(this.#o.gatewayId ? { ownerId: this.#o.gatewayId } : {}),
      ...(input.scopes ? { scopes: [...input.scopes] } : {}),
      ...(input.promptSeq !== undefined ? { promptSeq: input.promptSeq } : {}),
      ...(input.turn ? { turn: input.turn } : {}),
    };
    // A run that starts at once: its turn's reads go ahead while its record is written.
    if (!busy) this.#o.responder().prepare?.(input.sessionKey);
    const created = await this.#journal.create(record, input.startBeforeSync);
    if (!created.created) {
      // The same message, delivered twice at once: the first delivery's record may not be on disk yet.
      if (input.startBeforeSync) await this.#journal.synced();
      return {
        runId: created.record.runId,
        status:
          this.#active.get(input.sessionKey)?.record.runId === created.record.runId ? 'started' : 'queued',
      };
    }
    const status = this.#enqueue(record);
    if (input.startBeforeSync) await this.#journal.synced();
    return { runId: record.runId, status };
  }

  /** A persisted run a restart cut short, run again (from its last stored step). */
  resume(record: RunRecord): void {
    this.#enqueue(record);
  }

  /** Start a persisted run now, or queue it behind the session's active one. */
  #enqueue(record: RunRecord): 'started' | 'queued' {
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const live: LiveRun = { record, controller: new AbortController(), done, resolveDone };
    this.#live.set(record.runId, live);
    this.#o.runLeases?.hold(record.runId, live.controller).catch(() => {});
    if (this.#active.has(record.sessionKey)) {
      let q = this.#queued.get(record.sessionKey);
      if (!q) {
        q = [];
        this.#queued.set(record.sessionKey, q);
      }
      q.push(live);
      return 'queued';
    }
    this.#startLive(live);
    return 'started';
  }

  /** Wait for a run to end (or the timeout) and report where it stands. */
  async wait(runId: string, timeoutMs: number): Promise<AgentWaitResult | undefined> {
    const live = this.#live.get(runId);
    if (live) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([live.done, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
    return this.#journal.report(runId);
  }

  /** Where a run ended, once it has (at once when it already has); undefined for an unknown run. */
  async settled(runId: string): Promise<AgentWaitResult | undefined> {
    await this.#live.get(runId)?.done;
    return this.#journal.report(runId);
  }

  abort(sessionKey: string, runId?: string): string[] {
    const aborted: string[] = [];
    const active = this.#active.get(sessionKey);
    if (active && (!runId || active.record.runId === runId)) {
      active.controller.abort(new Error('aborted by operator'));
      aborted.push(active.record.runId);
    }
    const queue = this.#queued.get(sessionKey) ?? [];
    for (const r of [...queue]) {
      if (runId && r.record.runId !== runId) continue;
      queue.splice(queue.indexOf(r), 1);
      aborted.push(r.record.runId);
      void this.#finish(r, 'aborted', '', 'aborted before it started', 0);
    }
    return aborted;
  }

  /** Abort a session's active and queued runs and wait until they have ended (reset, delete). */
  async stopRuns(sessionKey: string): Promise<void> {
    const live = [this.#active.get(sessionKey), ...(this.#queued.get(sessionKey) ?? [])].filter(
      (r): r is LiveRun => r !== undefined,
    );
    this.abort(sessionKey);
    await Promise.all(live.map((r) => r.done));
  }

  /** Abort a run by id wherever it is. */
  abortRun(runId: string): boolean {
    const live = this.#live.get(runId);
    if (!live) return false;
    return this.abort(live.record.sessionKey, runId).length > 0;
  }

  activeRunId(sessionKey: string): string | undefined {
    return this.#active.get(sessionKey)?.record.runId;
  }

  get activeRuns(): number {
    return this.#active.size;
  }

  /**
   * Stop the runs (waiting a bounded time). With `resumeInterrupted`, each active one stops where it is (a
   * tool call going gets no result) and is handed over with the queued ones (one handed over `maxHandovers`
   * times already ends interrupted); else they end interrupted. Returns the ids handed over.
   */
  async close(): Promise<string[]> {
    this.#closed = true;
    const settings = this.#settings;
    for (const r of this.#active.values()) r.controller.abort(stopReasonFor(r.record, settings, this.#o.log));
    const queued = [...this.#queued.values()].flat();
    this.#queued.clear();
    await settleWithin([...this.#running]);
    for (const r of queued) this.#live.delete(r.record.runId) && r.resolveDone();
    if (settings.resumeInterrupted !== true) return [];
    const runs = [...this.#stopped, ...queued.map((r) => r.record)];
    return handOverRuns({ ...this.#o, leases: this.#o.runLeases }, runs);
  }

  /** True when the session already has as many runs waiting as allowed (merging never adds one). */
  queueFull(sessionKey: string): boolean {
    return queueIsFull(this.#settings, this.queuedCount(sessionKey));
  }

  #startLive(live: LiveRun): void {
    if (this.#closed) return;
    const key = live.record.sessionKey;
    this.#active.set(key, live);
    this.#o.onRunChange?.(key);
    const p = this.#execute(live).finally(() => {
      this.#running.delete(p);
      this.#active.delete(key);
      this.#o.onRunChange?.(key);
      const next = this.#queued.get(key)?.shift();
      if (next) this.#startLive(next);
      else this.#queued.delete(key);
    });
    this.#running.add(p);
  }

  async #execute(live: LiveRun): Promise<void> {
    const { record, controller } = live;
    const { runId, sessionKey } = record;
    const settings = this.#settings;
    const timeoutMs = record.timeoutMs ?? settings.timeoutMs;
    const typing = new TurnTyping(record.deliverTo, this.#o.typing);
    const timer = setTimeout(
      () => controller.abort(new RunTimeout(`run timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    let chatSeq = 0;
    let agentSeq = 0;
    let text = '';
    const agentEvent = (stream: AgentEvent['stream'], data: Record<string, unknown>) =>
      this.#publishAgent({ runId, seq: agentSeq++, stream, ts: this.#o.clock.now(), data });
    try {
      await this.#o.runLeases?.fence(runId, true);
      const startedAtMs = this.#o.clock.now();
      const resumed = record.startSeq !== undefined;
      const { history, lastSeq, steps } = await this.#journal.contextFor(record, settings.historyMessages);
      record.startSeq ??= lastSeq;
      await this.#journal.markRunning(record, startedAtMs);
      agentEvent('lifecycle', { phase: 'start', sessionKey, ...(resumed ? { resumed: true } : {}) });
      typing.start();
      const answer = await this.#o.responder().respond(
        {
          sessionKey,
          runId,
          text: record.message,
          signal: controller.signal,
          history,
          media: record.media,
          readMedia: this.#o.readMedia,
          ...(steps.length ? { steps } : {}),
          scopes: record.scopes,
          turn: record.turn,
          deliverTo: record.deliverTo,
          emit: (stream, data) => {
            if (!controller.signal.aborted) agentEvent(stream, data);
          },
          record: (m) => this.#journal.recordStep(record, m),
        },
        (delta) => {
          if (controller.signal.aborted) return;
          text += delta;
          if (streamsToChat(record))
            this.#publishChat({ runId, sessionKey, seq: chatSeq++, state: 'delta', deltaText: delta });
          agentEvent('assistant', { text, delta });
        },
      );
      typing.shown();
      if (controller.signal.aborted) throw controller.signal.reason;
      const reply = typeof answer === 'string' ? answer : answer.text;
      const replyMedia = typeof answer === 'string' ? [] : (answer.media ?? []);
      await this.#o.runLeases?.fence(runId);
      const target = record.deliverTo && (reply.trim() || replyMedia.length) ? record.deliverTo : undefined;
      // With a reply to hand over, the answer and the run's end are written without waiting for
      // the disk: the outbox record written next is durable and carries them (one sync, not three).
      const stored = await this.#journal.storeAnswer(record, answer, target !== undefined);
      const deliver =
        target &&
        replyDelivery(this.#o.replies, this.#o.log, {
          ...target,
          text: reply,
          sessionKey,
          runId,
          media: outboxMediaOf(replyMedia),
          reasoning: typeof answer === 'string' ? undefined : answer.reasoning,
        });
      await this.#finish(live, 'ok', reply, undefined, chatSeq, agentSeq, chatMessageShown(stored), deliver);
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      // Another gateway has it, or will: nothing more is written or sent from here.
      if (reason instanceof RunTakenOver || reason instanceof RunHandedOver) {
        if (reason instanceof RunHandedOver)
          this.#stopped.push({ ...record, handovers: (record.handovers ?? 0) + 1 });
        this.#live.delete(runId);
        return live.resolveDone();
      }
      const message = reason instanceof Error ? reason.message : String(reason);
      const status: RunStatus = this.#closed
        ? 'interrupted'
        : reason instanceof RunTimeout
          ? 'timeout'
          : controller.signal.aborted
            ? 'aborted'
            : 'error';
      await this.#journal.storeUnfinished(record, text, status === 'aborted' ? 'aborted' : 'error');
      if (status === 'error') this.#o.log.warn({ runId, sessionKey, err: message }, 'run failed');
      // Why the model failed, kept for the scheduler (whether a failed cron run is tried again soon).
      // Loaded here, not at start: it reads the AI SDK's errors, which an idle gateway never loads.
      const why =
        status === 'timeout'
          ? 'timeout'
          : status === 'error'
            ? (await import('../agent/failure-reason.ts')).failureReasonOf(reason)
            : undefined;
      await this.#finish(live, status, text, message, chatSeq, agentSeq, undefined, undefined, why);
    } finally {
      clearTimeout(timer);
      typing.end();
    }
  }

  async #finish(
    live: LiveRun,
    status: RunStatus,
    output: string,
    error: string | undefined,
    chatSeq: number,
    agentSeq = 0,
    message?: ChatMessage,
    deliver?: () => Promise<boolean>,
    errorReason?: FailureReason,
  ): Promise<void> {
    const { runId, sessionKey } = live.record;
    const endedAtMs = this.#o.clock.now();
    live.record.status = status;
    const end = { status, output, endedAtMs, error, ...(errorReason ? { errorReason } : {}) };
    await this.#journal.markEnded(runId, end, deliver !== undefined);
    // The reply is queued (durably, carrying the end along) before anyone is told the run ended;
    // when it could not be, the end is written durably on its own.
    if (deliver && !(await deliver())) await this.#journal.markEnded(runId, end);
    if (status === 'ok') {
      this.#publishChat({ runId, sessionKey, seq: chatSeq, state: 'final', ...(message ? { message } : {}) });
    } else if (status === 'aborted' || status === 'interrupted') {
      this.#publishChat({
        runId,
        sessionKey,
        seq: chatSeq,
        state: 'aborted',
        stopReason: status,
        ...(error ? { errorMessage: error } : {}),
      });
    } else {
      this.#publishChat({
        runId,
        sessionKey,
        seq: chatSeq,
        state: 'error',
        ...(error ? { errorMessage: error } : {}),
      });
    }
    const phase =
      status === 'ok' ? 'end' : status === 'aborted' || status === 'interrupted' ? 'aborted' : 'error';
    this.#publishAgent({
      runId,
      seq: agentSeq,
      stream: 'lifecycle',
      ts: endedAtMs,
      data: { phase, status, ...(error ? { error } : {}) },
    });
    this.#live.delete(runId);
    this.#o.runLeases?.release(runId);
    live.resolveDone();
  }

  #publishChat(event: ChatEvent): void {
    this.#o.bus.publish('chat', event);
  }

  #publishAgent(event: AgentEvent): void {
    this.#o.bus.publish('agent', event);
  }
}
