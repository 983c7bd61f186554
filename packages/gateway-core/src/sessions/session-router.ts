import {
  type AgentEvent,
  type AgentWaitResult,
  type ChatEvent,
  type ChatMessage,
  gatewayError,
} from '@openclaw/protocol';
import type { InboundEnvelope } from '../channel/types.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import { describeMedia } from '../media/inbound-media.ts';
import type {
  RunDelivery,
  RunRecord,
  RunStatus,
  SessionBounds,
  SessionMessageRecord,
  SessionRecord,
  Store,
  StoredMedia,
} from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import type { HistoryTurn, Responder } from './responder.ts';
import { channelSessionKey, parseChannelSessionKey } from './session-keys.ts';
import { chatMessageOf } from './session-rows.ts';

export type ReplyTarget = RunDelivery;

export interface RunSettings {
  timeoutMs: number;
  queueMode: 'queue' | 'merge';
  historyMessages: number;
  /** History kept per session, enforced on every append. */
  bounds?: SessionBounds | undefined;
  /** Runs that may wait behind a session's active one; more are refused (`agent.maxQueuedRuns`). */
  maxQueuedRuns?: number | undefined;
}

export interface SessionRouterOptions {
  store: Store;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  responder: () => Responder;
  /** Send a reply to a channel chat (through the outbox), with the media it carries. */
  deliver(target: ReplyTarget, text: string, sessionKey: string, media: StoredMedia[]): Promise<void>;
  settings?: () => RunSettings;
  /** Reads stored media for backends that take it (images for a vision model). */
  readMedia?: ((ref: string) => Promise<Uint8Array>) | undefined;
  /** Typing in the chat while a run that answers it is going (and stopped after). */
  typing?: ((target: ReplyTarget, on: boolean) => void) | undefined;
  /** A message was stored (session.message / sessions.changed events). */
  onMessage?: (message: SessionMessageRecord) => void;
  /** A run started or ended in a session (its row's activity changed). */
  onRunChange?: (sessionKey: string) => void;
}

export interface StartRunInput {
  sessionKey: string;
  message: string;
  source: RunRecord['source'];
  deliverTo?: ReplyTarget | undefined;
  dedupeKey?: string | undefined;
  timeoutMs?: number | undefined;
  /** A redelivered message: never merged into a queued run (it may already be in it). */
  replay?: boolean | undefined;
  /** Attachments of the message. */
  media?: StoredMedia[] | undefined;
  /** Use this run id (chosen by the caller and known to be unused). */
  runId?: string | undefined;
}

interface LiveRun {
  record: RunRecord;
  controller: AbortController;
  done: Promise<void>;
  resolveDone(): void;
}

const DEFAULT_SETTINGS: RunSettings = { timeoutMs: 600_000, queueMode: 'queue', historyMessages: 20 };

class RunTimeout extends Error {
  override name = 'RunTimeout';
}

/**
 * Conversations and the runs that answer them. Every message of a session is stored; runs are
 * persisted from acceptance, one at a time per session (later messages queue, or merge), stream
 * as `agent` events and mirror as `chat` events, end as ok / error / aborted / timeout, and
 * send channel replies back through the outbox. Runs a restart cut short are marked
 * `interrupted`, never silently dropped.
 */
export class SessionRouter {
  readonly #o: SessionRouterOptions;
  readonly #live = new Map<string, LiveRun>();
  readonly #active = new Map<string, LiveRun>();
  readonly #queued = new Map<string, LiveRun[]>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(options: SessionRouterOptions) {
    this.#o = options;
  }

  get #settings(): RunSettings {
    return this.#o.settings?.() ?? DEFAULT_SETTINGS;
  }

  /** Mark runs a previous process left unfinished. Returns how many. */
  async recoverInterrupted(): Promise<number> {
    const stale = await this.#o.store.runs.listByStatus(['accepted', 'running']);
    const now = this.#o.clock.now();
    for (const r of stale) {
      await this.#o.store.runs.update(r.runId, {
        status: 'interrupted',
        endedAtMs: now,
        error: 'the gateway restarted during this run',
      });
      await this.#append(
        {
          sessionKey: r.sessionKey,
          id: newId('msg'),
          role: 'assistant',
          text: r.output ?? '',
          ts: now,
          runId: r.runId,
          status: 'error',
        },
        this.#settings.bounds,
      ).catch(() => {});
    }
    if (stale.length)
      this.#o.log.warn({ count: stale.length }, 'runs interrupted by a restart are marked interrupted');
    return stale.length;
  }

  /** An inbound channel message that passed access control. */
  async inbound(
    env: InboundEnvelope,
    options: { replay?: boolean; media?: StoredMedia[] } = {},
  ): Promise<{ sessionKey: string; runId: string | undefined }> {
    const media = options.media ?? [];
    const key = channelSessionKey(env.channel, env.accountId, env.chat.id, env.chat.threadId);
    const messageId = `${env.channel}:${env.id}`;
    await this.#o.store.sessions.ensure({
      key,
      kind: 'channel',
      channel: env.channel,
      accountId: env.accountId,
      chatId: env.chat.id,
      threadId: env.chat.threadId,
      title: env.chat.title ?? env.sender.name ?? env.sender.username,
      createdAtMs: this.#o.clock.now(),
    });
    // A message seen before may still need processing (the gateway died between noting it and
    // storing it); every step is idempotent, so a replay finishes the job without doubling it.
    const stored = options.replay
      ? (await this.#o.store.sessions.history(key, { limit: 100 })).some((m) => m.id === messageId)
      : false;
    if (!stored)
      await this.#append(
        {
          sessionKey: key,
          id: messageId,
          role: 'user',
          text: env.text,
          ts: env.at,
          channel: env.channel,
          senderId: env.sender.id,
          senderName: env.sender.name ?? env.sender.username,
          ...(media.length ? { media } : {}),
          ...(env.replyTo ? { replyToId: env.replyTo.id } : {}),
        },
        this.#settings.bounds,
      );
    if (this.#queueFull(key)) {
      // The message is kept in the history; only the run is skipped, so a chat flooding a busy
      // session cannot queue work (and memory) without end.
      this.#o.log.warn(
        { sessionKey: key, queued: this.#queued.get(key)?.length },
        'session busy: message stored, no run started (agent.maxQueuedRuns)',
      );
      return { sessionKey: key, runId: undefined };
    }
    const r = await this.startRun({
      sessionKey: key,
      message: withMedia(env.text, media),
      ...(media.length ? { media } : {}),
      source: 'channel',
      dedupeKey: `inbound|${env.channel}|${env.accountId}|${env.chat.id}|${env.id}`,
      replay: options.replay,
      deliverTo: {
        channel: env.channel,
        accountId: env.accountId,
        chatId: env.chat.id,
        threadId: env.chat.threadId,
        replyToId: env.chat.kind === 'direct' ? undefined : env.id,
      },
    });
    return { sessionKey: key, runId: r.runId };
  }

  /** WebChat (or an operator writing into any session). */
  async send(params: {
    sessionKey: string;
    message: string;
    deliver?: boolean | undefined;
    timeoutMs?: number | undefined;
    dedupeKey?: string | undefined;
    /** Attachments already in the media store. */
    media?: StoredMedia[] | undefined;
    /** The caller's idempotency key: it becomes the run id when no run has it (the reference's convention). */
    preferredRunId?: string | undefined;
  }): Promise<{ runId: string; sessionKey: string; messageId: string; status: 'started' | 'queued' }> {
    this.#refuseWhenBusy(params.sessionKey);
    const existing = await this.#ensureSession(params.sessionKey, 'webchat');
    const preferred = params.preferredRunId;
    const runId =
      preferred && /^[\w:.-]{1,128}$/.test(preferred) && !(await this.#o.store.runs.get(preferred))
        ? preferred
        : newId('run');
    const messageId = newId('msg');
    const media = params.media ?? [];
    await this.#append(
      {
        sessionKey: params.sessionKey,
        id: messageId,
        role: 'user',
        text: params.message,
        ts: this.#o.clock.now(),
        ...(media.length ? { media } : {}),
        idempotencyKey: `${runId}:user`,
      },
      this.#settings.bounds,
    );
    const r = await this.startRun({
      sessionKey: params.sessionKey,
      message: withMedia(params.message, media),
      ...(media.length ? { media } : {}),
      source: 'chat',
      deliverTo: params.deliver ? deliveryOf(existing) : undefined,
      dedupeKey: params.dedupeKey,
      timeoutMs: params.timeoutMs,
      runId,
    });
    return { runId: r.runId, sessionKey: params.sessionKey, messageId, status: r.status };
  }

  /** The `agent` method: a run in a session (a fresh one when absent), optionally delivered to a channel. */
  async agent(params: {
    message: string;
    sessionKey?: string | undefined;
    channel?: string | undefined;
    accountId?: string | undefined;
    to?: string | undefined;
    threadId?: string | undefined;
    replyToId?: string | undefined;
    deliver?: boolean | undefined;
    /** With deliver: refuse when there is nowhere to deliver (instead of running undelivered). */
    requireRoute?: boolean | undefined;
    timeoutMs?: number | undefined;
    dedupeKey?: string | undefined;
    source?: RunRecord['source'];
  }): Promise<{ runId: string; sessionKey: string; acceptedAt: number }> {
    const sessionKey = params.sessionKey ?? `agent:${newId('s')}`;
    this.#refuseWhenBusy(sessionKey);
    const session = await this.#ensureSession(sessionKey, 'webchat');
    let deliverTo: ReplyTarget | undefined;
    if (params.channel && params.to) {
      deliverTo = { channel: params.channel, accountId: params.accountId ?? 'default', chatId: params.to };
      if (params.threadId) deliverTo.threadId = params.threadId;
      if (params.replyToId) deliverTo.replyToId = params.replyToId;
    } else if (params.deliver) {
      deliverTo = deliveryOf(session);
    }
    if (params.requireRoute && !deliverTo) {
      throw gatewayError(
        'INVALID_REQUEST',
        'DELIVERY_ROUTE_MISSING',
        `deliver was asked but session ${sessionKey} has no channel route (name channel and to, or pass bestEffortDeliver)`,
        { details: { sessionKey } },
      );
    }
    const acceptedAt = this.#o.clock.now();
    await this.#append(
      {
        sessionKey,
        id: newId('msg'),
        role: 'user',
        text: params.message,
        ts: acceptedAt,
      },
      this.#settings.bounds,
    );
    const r = await this.startRun({
      sessionKey,
      message: params.message,
      source: params.source ?? 'agent',
      deliverTo,
      dedupeKey: params.dedupeKey,
      timeoutMs: params.timeoutMs,
    });
    return { runId: r.runId, sessionKey, acceptedAt };
  }

  /** chat.inject: an assistant note in the transcript, no run; chat viewers get it as a final message. */
  async inject(sessionKey: string, text: string): Promise<SessionMessageRecord> {
    await this.#ensureSession(sessionKey, 'webchat');
    const id = newId('msg');
    const stored = await this.#append({
      sessionKey,
      id,
      role: 'assistant',
      text,
      ts: this.#o.clock.now(),
      status: 'complete',
    });
    this.#publishChat({
      runId: `inject-${id}`,
      sessionKey,
      seq: 0,
      state: 'final',
      message: chatMessageOf(stored),
    });
    return stored;
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
      !input.replay
    ) {
      // One queued run answers everything that arrived while the session was busy.
      const last = queue[queue.length - 1]!;
      last.record.message = `${last.record.message}\n\n${input.message}`;
      await this.#o.store.runs.update(last.record.runId, { message: last.record.message });
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
    };
    const created = await this.#o.store.runs.create(record);
    if (!created.created) {
      return {
        runId: created.record.runId,
        status:
          this.#active.get(input.sessionKey)?.record.runId === created.record.runId ? 'started' : 'queued',
      };
    }
    let resolveDone!: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    const live: LiveRun = { record, controller: new AbortController(), done, resolveDone };
    this.#live.set(record.runId, live);
    if (busy) {
      let q = this.#queued.get(input.sessionKey);
      if (!q) {
        q = [];
        this.#queued.set(input.sessionKey, q);
      }
      q.push(live);
      return { runId: record.runId, status: 'queued' };
    }
    this.#startLive(live);
    return { runId: record.runId, status: 'started' };
  }

  /** Wait for a run to end (or the timeout) and report where it stands. */
  async wait(runId: string, timeoutMs: number): Promise<AgentWaitResult | undefined> {
    const live = this.#live.get(runId);
    if (live) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([live.done, new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
      clearTimeout(timer);
    }
    return this.#report(runId);
  }

  /** Where a run ended, once it has (at once when it already has); undefined for an unknown run. */
  async settled(runId: string): Promise<AgentWaitResult | undefined> {
    await this.#live.get(runId)?.done;
    return this.#report(runId);
  }

  async #report(runId: string): Promise<AgentWaitResult | undefined> {
    const r = await this.#o.store.runs.get(runId);
    if (!r) return undefined;
    const out: AgentWaitResult = { runId, status: r.status };
    if (r.output !== undefined) out.output = r.output;
    if (r.error !== undefined) out.error = r.error;
    if (r.startedAtMs !== undefined) out.startedAtMs = r.startedAtMs;
    if (r.endedAtMs !== undefined) out.endedAtMs = r.endedAtMs;
    return out;
  }

  async history(
    sessionKey: string,
    limit: number,
    cursor?: string,
  ): Promise<{ sessionKey: string; messages: ChatMessage[]; nextCursor?: string }> {
    const beforeSeq = cursor ? Number.parseInt(cursor, 10) : undefined;
    const page = await this.#o.store.sessions.history(sessionKey, {
      limit,
      beforeSeq: Number.isFinite(beforeSeq) ? beforeSeq : undefined,
    });
    const out: { sessionKey: string; messages: ChatMessage[]; nextCursor?: string } = {
      sessionKey,
      messages: page.map(chatMessageOf),
    };
    const first = page[0];
    if (first && first.seq > 1 && page.length === limit) out.nextCursor = String(first.seq);
    return out;
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

  async list(query: { limit: number; offset: number; search?: string | undefined }): Promise<{
    sessions: SessionRecord[];
    total: number;
  }> {
    return this.#o.store.sessions.list(query);
  }

  async #append(
    message: Omit<SessionMessageRecord, 'seq'>,
    bounds: SessionBounds | undefined = this.#settings.bounds,
  ): Promise<SessionMessageRecord> {
    const stored = await this.#o.store.sessions.append(message, bounds);
    this.#o.onMessage?.(stored);
    return stored;
  }

  /** Abort runs and wait for them to settle (they end as interrupted, not aborted). */
  async close(): Promise<void> {
    this.#closed = true;
    for (const r of this.#active.values()) r.controller.abort(new Error('gateway shutting down'));
    this.#queued.clear();
    await Promise.allSettled([...this.#running]);
  }

  /** True when the session already has as many runs waiting as allowed (merging never adds one). */
  #queueFull(sessionKey: string): boolean {
    const settings = this.#settings;
    if (settings.queueMode === 'merge' || settings.maxQueuedRuns === undefined) return false;
    return (this.#queued.get(sessionKey)?.length ?? 0) >= settings.maxQueuedRuns;
  }

  #refuseWhenBusy(sessionKey: string): void {
    if (!this.#queueFull(sessionKey)) return;
    const queued = this.#queued.get(sessionKey)?.length ?? 0;
    throw gatewayError(
      'UNAVAILABLE',
      'SESSION_BUSY',
      `session ${sessionKey} already has ${queued} runs waiting (agent.maxQueuedRuns); retry when one has finished`,
      { retryable: true, retryAfterMs: 1000, details: { limit: 'agent.maxQueuedRuns', queued } },
    );
  }

  async #ensureSession(key: string, kind: 'webchat' | 'channel'): Promise<SessionRecord> {
    const existing = await this.#o.store.sessions.get(key);
    if (existing) return existing;
    const parsed = parseChannelSessionKey(key);
    return this.#o.store.sessions.ensure({
      key,
      kind,
      createdAtMs: this.#o.clock.now(),
      ...(parsed && kind === 'channel' ? parsed : {}),
    });
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
    const timer = setTimeout(
      () => controller.abort(new RunTimeout(`run timed out after ${timeoutMs} ms`)),
      timeoutMs,
    );
    let chatSeq = 0;
    let agentSeq = 0;
    let text = '';
    const agentEvent = (stream: 'lifecycle' | 'output', data: Record<string, unknown>) =>
      this.#publishAgent({ runId, seq: agentSeq++, stream, ts: this.#o.clock.now(), data });
    try {
      const startedAtMs = this.#o.clock.now();
      record.startedAtMs = startedAtMs;
      record.status = 'running';
      await this.#o.store.runs.update(runId, { status: 'running', startedAtMs });
      agentEvent('lifecycle', { phase: 'start', sessionKey });
      const history = await this.#historyFor(sessionKey, settings.historyMessages);
      const responder = this.#o.responder();
      if (record.deliverTo) this.#o.typing?.(record.deliverTo, true);
      const answer = await responder.respond(
        {
          sessionKey,
          runId,
          text: record.message,
          signal: controller.signal,
          history,
          media: record.media,
          readMedia: this.#o.readMedia,
        },
        (delta) => {
          if (controller.signal.aborted) return;
          text += delta;
          this.#publishChat({ runId, sessionKey, seq: chatSeq++, state: 'delta', deltaText: delta });
          agentEvent('output', { delta });
        },
      );
      if (controller.signal.aborted) throw controller.signal.reason;
      const reply = typeof answer === 'string' ? answer : answer.text;
      const replyMedia = typeof answer === 'string' ? [] : (answer.media ?? []);
      const stored = await this.#append(
        {
          sessionKey,
          id: newId('msg'),
          role: 'assistant',
          text: reply,
          ts: this.#o.clock.now(),
          runId,
          status: 'complete',
          ...(replyMedia.length ? { media: replyMedia } : {}),
        },
        this.#settings.bounds,
      );
      await this.#finish(live, 'ok', reply, undefined, chatSeq, agentSeq, chatMessageOf(stored));
      if (record.deliverTo && (reply.trim() || replyMedia.length)) {
        await this.#o
          .deliver(record.deliverTo, reply, sessionKey, replyMedia)
          .catch((error: unknown) =>
            this.#o.log.error({ runId, err: error }, 'run reply could not be queued for delivery'),
          );
      }
    } catch (error) {
      const reason = controller.signal.aborted ? controller.signal.reason : error;
      const message = reason instanceof Error ? reason.message : String(reason);
      const status: RunStatus = this.#closed
        ? 'interrupted'
        : reason instanceof RunTimeout
          ? 'timeout'
          : controller.signal.aborted
            ? 'aborted'
            : 'error';
      await this.#append(
        {
          sessionKey,
          id: newId('msg'),
          role: 'assistant',
          text,
          ts: this.#o.clock.now(),
          runId,
          status: status === 'aborted' ? 'aborted' : 'error',
        },
        this.#settings.bounds,
      ).catch(() => {});
      if (status === 'error') this.#o.log.warn({ runId, sessionKey, err: message }, 'run failed');
      await this.#finish(live, status, text, message, chatSeq, agentSeq);
    } finally {
      clearTimeout(timer);
      if (record.deliverTo) this.#o.typing?.(record.deliverTo, false);
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
  ): Promise<void> {
    const { runId, sessionKey } = live.record;
    const endedAtMs = this.#o.clock.now();
    live.record.status = status;
    await this.#o.store.runs
      .update(runId, { status, output, endedAtMs, ...(error !== undefined ? { error } : {}) })
      .catch((e: unknown) => this.#o.log.error({ runId, err: e }, 'could not record the end of a run'));
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
    live.resolveDone();
  }

  async #historyFor(sessionKey: string, n: number): Promise<HistoryTurn[]> {
    if (n <= 0) return [];
    // The newest stored message is this run's own prompt; the backend gets it as `text`.
    const page = await this.#o.store.sessions.history(sessionKey, { limit: n + 1 });
    return page
      .slice(0, -1)
      .map((m) => ({ ...m, text: withMedia(m.text, m.media ?? []) }))
      .filter((m) => m.text.trim() !== '' && (m.status === undefined || m.status === 'complete'))
      .map((m) => ({ role: m.role, text: m.text }));
  }

  #publishChat(event: ChatEvent): void {
    this.#o.bus.publish('chat', event);
  }

  #publishAgent(event: AgentEvent): void {
    this.#o.bus.publish('agent', event);
  }
}

function deliveryOf(session: SessionRecord): ReplyTarget | undefined {
  if (session.kind !== 'channel' || !session.channel || !session.accountId || !session.chatId)
    return undefined;
  return {
    channel: session.channel,
    accountId: session.accountId,
    chatId: session.chatId,
    threadId: session.threadId,
  };
}

/** The text an agent gets: the message, then what was attached, in words. */
function withMedia(text: string, media: readonly StoredMedia[]): string {
  if (!media.length) return text;
  const described = describeMedia(media);
  return text.trim() ? `${text}\n${described}` : described;
}
