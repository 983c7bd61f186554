import { type AgentWaitResult, gatewayError } from '@openclaw/protocol';
import { plainChatKey, type RoutedChat, routedChatOf } from '../agents/agent-routing.ts';
import type { InboundEnvelope } from '../channels/sdk/types.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import { withMedia } from '../media/inbound-media.ts';
import type {
  RunRecord,
  SessionBounds,
  SessionMessageRecord,
  SessionRecord,
  Store,
  StoredMedia,
} from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { channelSessionOf } from './channel-session.ts';
import { historyPage } from './history-page.ts';
import { replyTargetOf } from './reply-sink.ts';
import type { Responder } from './responder.ts';
import type { RunLeases } from './run-leases.ts';
import { RunRecovery } from './run-recovery.ts';
import { DEFAULT_RUN_SETTINGS, type RunSettings, refuseWhenFull } from './run-settings.ts';
import { parseChannelSessionKey } from './session-keys.ts';
import { chatMessageOf } from './session-rows.ts';
import { type ReplySink, type ReplyTarget, SessionRuns, type StartRunInput } from './session-runs.ts';

export type { ReplySink, ReplyTarget, RunSettings, StartRunInput };

export interface SessionRouterOptions {
  store: Store;
  /** In a cluster, this gateway: the runs it starts (or takes over) record it. */
  gatewayId?: string | undefined;
  /** In a cluster: one lease per run, so a run is one gateway's, and is taken over when it dies. */
  runLeases?: RunLeases | undefined;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  responder: () => Responder;
  /** Replies to channel chats, with the media they carry. */
  replies: ReplySink;
  settings?: () => RunSettings;
  /** Reads stored media for backends that take it (images for a vision model). */
  readMedia?: ((ref: string) => Promise<Uint8Array>) | undefined;
  /** Typing in the chat while a run that answers it is going (and stopped after). */
  typing?: ((target: ReplyTarget, on: boolean) => void) | undefined;
  /** A channel message a run was started for (an acknowledgement reaction, when configured). */
  acknowledge?: ((target: ReplyTarget, messageId: string) => void) | undefined;
  /** A message was stored (session.message / sessions.changed events). */
  onMessage?: ((message: SessionMessageRecord) => void) | undefined;
  /** A run started or ended in a session (its row's activity changed); `reset`: it was emptied. */
  onRunChange?: ((sessionKey: string, reason?: 'reset') => void) | undefined;
  /** The session of a channel chat (routed to an agent); default: its plain channel key. */
  chatSessionKey?: ((chat: RoutedChat) => string) | undefined;
}

/**
 * Conversations: channel messages, WebChat and the `agent` method write into sessions, and every
 * message is stored before the run that answers it starts (runs themselves are SessionRuns: one
 * at a time per session, replies back through the outbox). Runs a restart cut short are resumed
 * or marked `interrupted`, never silently dropped.
 */
export class SessionRouter {
  readonly #o: SessionRouterOptions;
  readonly #runs: SessionRuns;
  readonly #recovery: RunRecovery;
  #handedOver: ((runIds: string[]) => void) | undefined;

  constructor(options: SessionRouterOptions) {
    this.#o = options;
    this.#runs = new SessionRuns({
      ...options,
      settings: () => this.#settings,
      append: (message, bounds, deferred) => this.#append(message, bounds, deferred),
    });
    this.#recovery = new RunRecovery({
      ...options,
      leases: options.runLeases,
      settings: () => this.#settings,
      append: (message, bounds) => this.#append(message, bounds),
      resume: (record) => this.#runs.resume(record),
    });
  }

  get #settings(): RunSettings {
    return this.#o.settings?.() ?? DEFAULT_RUN_SETTINGS;
  }

  /**
   * Runs a previous process left unfinished, when `resumeInterrupted` is on: the waiting ones (and
   * those handed over) are started in order, one that was running is resumed once from its last
   * stored step; otherwise they are marked interrupted. In a cluster, keeps looking for runs of
   * gateways that died or stopped, and takes them over the same way. Returns how many there were.
   */
  async recoverInterrupted(): Promise<number> {
    const count = await this.#recovery.recover();
    this.#recovery.watch();
    return count;
  }

  /** An inbound channel message that passed access control. */
  async inbound(
    env: InboundEnvelope,
    options: { replay?: boolean; media?: StoredMedia[]; turn?: RunRecord['turn'] } = {},
  ): Promise<{ sessionKey: string; runId: string | undefined }> {
    const media = options.media ?? [];
    const key = (this.#o.chatSessionKey ?? plainChatKey)(routedChatOf(env));
    const messageId = `${env.channel}:${env.id}`;
    // Whether the session can take another run is decided as the message arrives.
    const full = this.#runs.queueFull(key);
    // A fresh message that starts a run is written without waiting for the disk, like its
    // session row and the run's record: the run starts at once, and this answers (so the platform
    // is told the message is kept) once the three are on disk — carried by the turn's next durable
    // write, its reply's outbox record against a fast model, or a sync the store makes.
    const carried = !options.replay && !full;
    await (this.#o.store.deferred ?? this.#o.store).sessions.ensure(
      channelSessionOf(key, env, this.#o.clock.now()),
    );
    // A message seen before may still need processing (the gateway died between noting it and
    // storing it); every step is idempotent, so a replay finishes the job without doubling it.
    let promptSeq = options.replay
      ? (await this.#o.store.sessions.history(key, { limit: 100 })).find((m) => m.id === messageId)?.seq
      : undefined;
    if (promptSeq === undefined)
      promptSeq = (
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
          carried,
        )
      ).seq;
    if (full) {
      // The message is kept in the history; only the run is skipped, so a chat flooding a busy
      // session cannot queue work (and memory) without end.
      this.#o.log.warn(
        { sessionKey: key, queued: this.#runs.queuedCount(key) },
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
      startBeforeSync: carried,
      promptSeq,
      turn: options.turn,
      deliverTo: {
        channel: env.channel,
        accountId: env.accountId,
        chatId: env.chat.id,
        threadId: env.chat.threadId,
        replyToId: env.chat.kind === 'direct' ? undefined : env.id,
      },
    });
    if (!options.replay)
      this.#o.acknowledge?.(
        { channel: env.channel, accountId: env.accountId, chatId: env.chat.id, threadId: env.chat.threadId },
        env.id,
      );
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
    scopes?: readonly string[] | undefined;
    turn?: RunRecord['turn'];
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
    const prompt = await this.#append(
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
      deliverTo: params.deliver ? replyTargetOf(existing) : undefined,
      dedupeKey: params.dedupeKey,
      timeoutMs: params.timeoutMs,
      runId,
      scopes: params.scopes,
      promptSeq: prompt.seq,
      turn: params.turn,
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
    scopes?: readonly string[] | undefined;
    /** What this run's turn asks for over the agent's settings (a cron job's options). */
    turn?: RunRecord['turn'];
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
      deliverTo = replyTargetOf(session);
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
    const prompt = await this.#append(
      {
        sessionKey,
        id: newId('msg'),
        role: 'user',
        text: params.message,
        ts: acceptedAt,
        ...(params.source === 'heartbeat' ? { heartbeat: 'prompt' as const } : {}),
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
      scopes: params.scopes,
      promptSeq: prompt.seq,
      turn: params.turn,
    });
    return { runId: r.runId, sessionKey, acceptedAt };
  }

  /** A system event in a session's transcript (kept there for its turns to read); once per id. */
  async systemEvent(sessionKey: string, id: string, text: string): Promise<SessionMessageRecord> {
    await this.#ensureSession(sessionKey, 'webchat');
    const seen = (await this.#o.store.sessions.history(sessionKey, { limit: 50 })).find((m) => m.id === id);
    return seen ?? this.#append({ sessionKey, id, role: 'system', text, ts: this.#o.clock.now() });
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
    this.#o.bus.publish('chat', {
      runId: `inject-${id}`,
      sessionKey,
      seq: 0,
      state: 'final',
      message: chatMessageOf(stored),
    });
    return stored;
  }

  /** Persist a run and start it, or queue it behind the session's active run. */
  startRun(input: StartRunInput): Promise<{ runId: string; status: 'started' | 'queued' }> {
    return this.#runs.startRun(input);
  }

  /** Wait for a run to end (or the timeout) and report where it stands. */
  wait(runId: string, timeoutMs: number): Promise<AgentWaitResult | undefined> {
    return this.#runs.wait(runId, timeoutMs);
  }

  /** Where a run ended, once it has (at once when it already has); undefined for an unknown run. */
  settled(runId: string): Promise<AgentWaitResult | undefined> {
    return this.#runs.settled(runId);
  }

  /** One page of a session's chat, newest last (see historyPage). */
  history(sessionKey: string, limit: number, cursor?: string): ReturnType<typeof historyPage> {
    return historyPage(this.#o.store, sessionKey, limit, cursor);
  }

  abort(sessionKey: string, runId?: string): string[] {
    return this.#runs.abort(sessionKey, runId);
  }

  /** A session emptied by the gateway itself (an isolated heartbeat's): told as a reset is. */
  emptied(sessionKey: string): void {
    this.#o.onRunChange?.(sessionKey, 'reset');
  }

  /** Abort a session's active and queued runs and wait until they have ended (reset, delete). */
  stopRuns(sessionKey: string): Promise<void> {
    return this.#runs.stopRuns(sessionKey);
  }

  /** Abort a run by id wherever it is. */
  abortRun(runId: string): boolean {
    return this.#runs.abortRun(runId);
  }

  activeRunId(sessionKey: string): string | undefined {
    return this.#runs.activeRunId(sessionKey);
  }

  get activeRuns(): number {
    return this.#runs.activeRuns;
  }

  async list(query: { limit: number; offset: number; search?: string | undefined }): Promise<{
    sessions: SessionRecord[];
    total: number;
  }> {
    return this.#o.store.sessions.list(query);
  }

  /** Another gateway handed runs over: look for them now rather than at the next scan. */
  recoverNow(): void {
    this.#recovery.nudge();
  }

  /** Be told which runs this gateway handed over as it stopped (to tell the cluster). */
  onHandedOver(listener: (runIds: string[]) => void): void {
    this.#handedOver = listener;
  }

  /**
   * Stop the runs: handed over (left for the next start, or another gateway) when resuming is on,
   * otherwise ended as interrupted. No scan takes a run back meanwhile.
   */
  async close(): Promise<void> {
    await this.#recovery.close();
    const handed = await this.#runs.close();
    if (handed.length) this.#handedOver?.(handed);
    this.#o.runLeases?.close();
  }

  /** A new run for a session whose queue is full is refused (SESSION_BUSY), not queued. */
  #refuseWhenBusy(sessionKey: string): void {
    refuseWhenFull(this.#settings, sessionKey, this.#runs.queuedCount(sessionKey));
  }

  /** The one way a message enters a transcript: stored, then watchers are told. */
  /** Store a message; `deferred`: without waiting for the disk (a durable write follows it). */
  async #append(
    message: Omit<SessionMessageRecord, 'seq'>,
    bounds: SessionBounds | undefined = this.#settings.bounds,
    deferred = false,
  ): Promise<SessionMessageRecord> {
    const store = deferred ? (this.#o.store.deferred ?? this.#o.store) : this.#o.store;
    const stored = await store.sessions.append(message, bounds);
    this.#o.onMessage?.(stored);
    return stored;
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
}
