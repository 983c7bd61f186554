import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GatewayConfig } from '@openclaw/protocol';
import {
  CloseCodes,
  type ConnectParams,
  EVENT_RESUME_CAPABILITY,
  eventNames,
  type GatewayError,
  type HealthSummary,
  type HelloOk,
  type SendParams,
  type StatusResult,
} from '@openclaw/protocol';
import { openAiResponder } from './agent/openai-backend.ts';
import { AgentCatalog } from './agents/agent-catalog.ts';
import { ExecApprovals } from './approvals/exec-approvals.ts';
import { systemRunGate } from './approvals/system-run-gate.ts';
import { AuditLog } from './audit/audit-log.ts';
import { AuthLimiter } from './auth/auth-limiter.ts';
import { Authenticator, type SharedSecrets } from './auth/authenticator.ts';
import { HttpAuthenticator } from './auth/http-authenticator.ts';
import type { ChannelProvider, WebhookRegistrar } from './channel/types.ts';
import { ChannelManager, type ChannelManagerOptions } from './channels/channel-manager.ts';
import { ChatActions } from './channels/chat-actions.ts';
import { ClusterBridge } from './cluster/cluster-bridge.ts';
import type { ClusterLink } from './cluster/cluster-link.ts';
import type { ConfigManager } from './config/config-manager.ts';
import { Connection, type ConnectionHost, type RetainedStream } from './connection/connection.ts';
import type { PeerInfo, Transport } from './connection/transport.ts';
import { CronService } from './cron/cron-service.ts';
import { EventBus } from './events/event-bus.ts';
import { createAbsentHandlers } from './handlers/absent-handlers.ts';
import { createAgentFinals, createAgentHandlers } from './handlers/agent-handlers.ts';
import { createAgentsHandlers } from './handlers/agents-handlers.ts';
import { createApprovalsHandlers } from './handlers/approvals-handlers.ts';
import { createChannelHandlers } from './handlers/channel-handlers.ts';
import { createChatHandlers } from './handlers/chat-handlers.ts';
import { createConfigHandlers } from './handlers/config-handlers.ts';
import { createCronHandlers } from './handlers/cron-handlers.ts';
import { createDeviceHandlers } from './handlers/device-handlers.ts';
import { createHostHandlers } from './handlers/host-handlers.ts';
import { createMessageHandlers } from './handlers/message-handlers.ts';
import { createNodeHandlers } from './handlers/node-handlers.ts';
import { createNodePendingHandlers } from './handlers/node-pending-handlers.ts';
import { createQuestionsHandlers } from './handlers/questions-handlers.ts';
import { createSessionsHandlers } from './handlers/sessions-handlers.ts';
import { createSystemHandlers } from './handlers/system-handlers.ts';
import { EventLoopMonitor } from './health/event-loop-monitor.ts';
import { Heartbeat } from './heartbeat/heartbeat.ts';
import type { LogRing } from './logging/log-ring.ts';
import type { Logger } from './logging/logger.ts';
import { createInboundMedia } from './media/inbound-media.ts';
import { createMediaStore, MEDIA_SWEEP_EVERY_MS } from './media/media-service.ts';
import type { MediaStore } from './media/media-store.ts';
import { outboxMediaOf } from './media/send-media.ts';
import { configuredTranscriber } from './media/transcriber.ts';
import { NodePendingQueue } from './nodes/node-pending-queue.ts';
import { NodeService } from './nodes/node-service.ts';
import { DevicePairing } from './pairing/device-pairing.ts';
import { LastSeen } from './pairing/last-seen.ts';
import { PresenceRegistry } from './presence/presence.ts';
import { QuestionService } from './questions/question-service.ts';
import { Idempotency } from './router/idempotency.ts';
import { type HandlerTable, Router } from './router/router.ts';
import { echoResponder, type Responder } from './sessions/responder.ts';
import { SessionFeed } from './sessions/session-feed.ts';
import { SessionRouter } from './sessions/session-router.ts';
import { observeStore } from './store/observe-store.ts';
import { StoreFailingError } from './store/store-failure.ts';
import { StoreHealth } from './store/store-health.ts';
import type { Store } from './store/types.ts';
import { type Clock, systemClock } from './util/clock.ts';
import { newId } from './util/ids.ts';

/** Counters the app turns into Prometheus metrics. */
export interface CoreMetricsSink {
  connectionOpened(): void;
  connectionClosed(): void;
  handshake(outcome: 'ok' | 'failed', code?: string): void;
  request(method: string, outcome: 'ok' | 'error', durationMs: number, errorCode?: string): void;
  slowConsumer(): void;
}

/** What the listening layer knows about itself, for `status`. */
export interface ListenInfo {
  bind: string;
  host: string;
  port: number;
  tls: boolean;
}

/** A readiness contributor (channels, cluster): its name and whether it is up or explicitly degraded. */
export interface ReadinessCheck {
  name: string;
  check(): { ready: boolean; degraded?: boolean; reason?: string };
}

export interface GatewayCoreOptions {
  config: ConfigManager;
  store: Store;
  log: Logger;
  logRing?: LogRing | undefined;
  clock?: Clock;
  version: string;
  /** The effective shared secrets (file config, env, flags or the generated token). */
  secrets: () => SharedSecrets;
  listen?: () => ListenInfo;
  metrics?: CoreMetricsSink;
  /** Check every handler result against its schema (default: on under test). */
  validateResults?: boolean;
  /** Extra method handlers (apps, later subsystems). */
  handlers?: HandlerTable[];
  /** Presence batching window (default 100 ms). */
  presenceBatchMs?: number;
  /** Extra presence tags, e.g. `gateway:<id>`. */
  presenceTags?: string[];
  /** Channel providers this gateway can run (accounts come from `channels` in config). */
  providers?: ChannelProvider[];
  /** Where channel accounts keep their own state. Required with providers. */
  stateDir?: string;
  /** Mounts webhook routes on the HTTP server. */
  webhooks?: WebhookRegistrar;
  /** This gateway's id (lease holder); defaults to the boot id. */
  gatewayId?: string;
  /** Tuning for tests: lease ttl, backoff, outbox retry. */
  channelTuning?: Pick<ChannelManagerOptions, 'leaseTtlMs' | 'backoff' | 'outboxRetry' | 'inDoubt'>;
  /** What answers messages (default: from config, echo unless agent.backend says otherwise). */
  responder?: () => Responder;
  /** Arm real timers for cron (default true; tests with a manual clock call core.cron.tick()). */
  cronTimers?: boolean;
  /** Several gateways sharing one backend (Redis): events, presence, node invokes, outbox notices. */
  cluster?: ClusterLink;
  /** Channel accounts resolved these secrets (config, env, token files): scrub them from logs. */
  onChannelSecrets?: (values: string[]) => void;
}

export interface ConnectionHandle {
  /** A text frame; `size` is its length in bytes. */
  message(text: string, size: number): void;
  binary(): void;
  closed(code: number, reason: string): void;
  readonly connection: Connection;
}

const noopMetrics: CoreMetricsSink = {
  connectionOpened() {},
  connectionClosed() {},
  handshake() {},
  request() {},
  slowConsumer() {},
};

/**
 * The gateway's brain, with no HTTP server: hand it sockets (as Transports) and it runs the
 * protocol on them. apps/gateway composes it with fastify and ws.
 *
 * @example
 * const core = await createGatewayCore({ config, store, log, version: '1.0.0', secrets: () => ({ token }) });
 * wss.on('connection', (ws, req) => adaptWs(ws, core.accept(transportOf(ws), peerOf(req))));
 */
export class GatewayCore {
  readonly bootId = newId('boot');
  readonly startedAtMs: number;
  readonly clock: Clock;
  readonly log: Logger;
  readonly store: Store;
  /** Whether the store takes writes; side-effecting requests are refused while it does not. */
  readonly storeHealth: StoreHealth;
  readonly config: ConfigManager;
  readonly bus = new EventBus();
  readonly audit: AuditLog;
  readonly pairing: DevicePairing;
  readonly presence: PresenceRegistry;
  readonly router: Router;
  readonly heartbeat: Heartbeat;
  readonly nodes: NodeService;
  readonly sessions: SessionRouter;
  readonly agents: AgentCatalog;
  readonly approvals: ExecApprovals;
  readonly questions: QuestionService;
  readonly sessionFeed: SessionFeed;
  readonly channels: ChannelManager;
  /** Typing, reactions, edits and deletes on channel chats. */
  readonly chatActions: ChatActions;
  /** Photos, voice notes and files, inbound and outbound (served at /__openclaw__/media/). */
  readonly media: MediaStore;
  readonly cron: CronService;
  readonly cluster: ClusterBridge | undefined;
  readonly version: string;
  readonly lastSeen: LastSeen;
  readonly #o: GatewayCoreOptions;
  readonly #metrics: CoreMetricsSink;
  readonly #authenticator: Authenticator;
  /** Authentication for the HTTP surfaces (canvas, A2UI, session, metrics), behind the same limiter. */
  readonly httpAuth: HttpAuthenticator;
  readonly #limiter: AuthLimiter;
  readonly #eventLoop = new EventLoopMonitor();
  readonly #all = new Set<Connection>();
  /** Closed connections still recording events for a resuming client, by connId. */
  readonly #retained = new Map<
    string,
    { conn: Connection; deviceId: string; key: string; expiresAt: number }
  >();
  /** The one retained stream per client instance (a reconnecting client resumes its latest). */
  readonly #retainedByClient = new Map<string, string>();
  readonly #readiness: ReadinessCheck[] = [];
  readonly #host: ConnectionHost;
  readonly #gatewayId: string;
  #healthVersion = 0;
  #lastHealthKey = '';
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #tickMs = 0;
  #sweepTimer: ReturnType<typeof setInterval> | undefined;
  #lastMediaSweep = 0;
  #draining = false;
  #closed = false;
  #started = false;

  constructor(options: GatewayCoreOptions) {
    this.#o = options;
    this.clock = options.clock ?? systemClock;
    this.startedAtMs = this.clock.now();
    this.log = options.log;
    const raw = options.store;
    this.storeHealth = new StoreHealth({
      clock: this.clock,
      log: this.log.child({ component: 'store' }),
      probe: async (failure) => {
        // A real write and read back; after damage, a fresh integrity check as well.
        const at = this.clock.now();
        await raw.kv.set('store.probe', { at });
        if ((await raw.kv.get<{ at: number }>('store.probe'))?.at !== at)
          throw new Error('the store probe did not read back what it wrote');
        if (failure.kind === 'corrupt' && raw.verify) {
          const problems = await raw.verify();
          if (problems.length) throw new StoreFailingError({ kind: 'corrupt', reason: problems[0]! });
        }
      },
    });
    this.store = observeStore(raw, (failure) => this.storeHealth.report(failure));
    this.config = options.config;
    this.version = options.version;
    this.#metrics = options.metrics ?? noopMetrics;
    this.#gatewayId = options.cluster?.gatewayId ?? options.gatewayId ?? this.bootId;
    this.audit = new AuditLog(this.store, this.clock, this.log);
    this.lastSeen = new LastSeen(this.store, this.log);
    this.#limiter = new AuthLimiter({
      policy: this.cfg.auth.rateLimit,
      clock: this.clock,
      onRestricted: (r) => {
        this.log.warn(
          { peer: r.peer, credential: r.credential, mode: r.mode, untilMs: r.untilMs, failures: r.failures },
          r.mode === 'lockout' ? 'auth lockout' : 'auth throttle',
        );
        void this.audit
          .record({
            action: 'auth.locked',
            actor: 'system',
            target: r.peer,
            remoteIp: r.peer,
            details: { credential: r.credential, mode: r.mode, failures: r.failures, untilMs: r.untilMs },
          })
          .catch((error: unknown) => this.log.error({ err: error }, 'audit: auth.locked not recorded'));
      },
    });
    this.presence = new PresenceRegistry({
      clock: this.clock,
      batchMs: options.presenceBatchMs ?? 100,
      tags: options.presenceTags ?? [],
      onFlush: (change) => {
        this.bus.publish('presence', change, { stateVersion: this.stateVersion() });
        this.cluster?.presenceChanged();
      },
    });
    this.pairing = new DevicePairing({
      store: this.store,
      bus: this.bus,
      clock: this.clock,
      audit: this.audit,
      requestTtlMs: () => this.cfg.pairing.requestTtlMs,
      closeConnections: (match, reason) => this.closeConnections(match, reason),
      isConnected: (deviceId) => this.presence.isConnected(deviceId),
      flushLastSeen: () => this.lastSeen.flush(),
    });
    this.#authenticator = new Authenticator({
      store: this.store,
      clock: this.clock,
      audit: this.audit,
      pairing: this.pairing,
      limiter: this.#limiter,
      config: () => this.cfg,
      lastSeen: this.lastSeen,
      secrets: options.secrets,
    });
    this.httpAuth = new HttpAuthenticator({
      limiter: this.#limiter,
      store: this.store,
      clock: this.clock,
      audit: this.audit,
      config: () => this.cfg,
      secrets: options.secrets,
    });
    this.router = new Router({
      log: this.log,
      idempotency: new Idempotency(this.store, this.clock, () => this.cfg.limits.idempotencyTtlMs),
      validateResults: options.validateResults ?? process.env.NODE_ENV === 'test',
      metrics: { onRequest: (m, o, ms, code) => this.#metrics.request(m, o, ms, code) },
      draining: () => this.#draining,
      storeFailing: () => this.storeHealth.failing,
      writeLimits: () => this.cfg.limits,
    });
    this.addReadinessCheck({ name: 'store', check: () => this.storeHealth.readiness() });
    this.heartbeat = new Heartbeat({
      bus: this.bus,
      clock: this.clock,
      kv: this.store.kv,
      defaults: { enabled: this.cfg.heartbeat.enabled, intervalMs: this.cfg.heartbeat.intervalMs },
      summary: () => {
        const ch = this.channels.summary();
        return {
          uptimeMs: this.clock.now() - this.startedAtMs,
          connections: this.connectionCount,
          channelsConnected: ch.connected,
          channelsTotal: ch.total,
        };
      },
    });
    this.router.register(
      createSystemHandlers({
        core: this,
        logRing: options.logRing,
      }),
    );
    this.router.register(createDeviceHandlers(this.pairing));
    this.nodes = new NodeService({
      store: this.store,
      bus: this.bus,
      clock: this.clock,
      audit: this.audit,
      log: this.log,
      requestTtlMs: () => this.cfg.pairing.requestTtlMs,
      denyCommands: () => this.cfg.nodes.denyCommands,
      defaultInvokeTimeoutMs: () => this.cfg.nodes.invokeTimeoutMs,
      remoteInvoke: options.cluster
        ? (params) => this.cluster!.remoteInvoke(params, this.cfg.nodes.invokeTimeoutMs)
        : undefined,
    });
    this.approvals = new ExecApprovals({
      kv: this.store.kv,
      bus: this.bus,
      clock: this.clock,
      log: this.log.child({ component: 'exec-approvals' }),
    });
    this.questions = new QuestionService(this.bus, this.clock);
    this.router.register(createNodeHandlers(this.nodes, this.clock, systemRunGate(this.approvals)));
    this.router.register(createApprovalsHandlers(this.approvals));
    this.router.register(createNodePendingHandlers(new NodePendingQueue(this.store, this.clock)));
    this.router.register(createQuestionsHandlers(this.questions));
    this.router.register(createConfigHandlers(this.config, this.audit));
    this.media = createMediaStore({
      config: () => this.cfg,
      stateDir: options.stateDir,
      store: this.store,
      clock: this.clock,
      log: this.log.child({ component: 'media' }),
    });
    this.chatActions = new ChatActions({
      adapter: (channel, accountId) => this.channels.adapterOf(channel, accountId),
      log: this.log.child({ component: 'chat-actions' }),
    });
    this.sessions = new SessionRouter({
      store: this.store,
      bus: this.bus,
      clock: this.clock,
      log: this.log.child({ component: 'sessions' }),
      responder: options.responder ?? this.#configuredResponder(options.stateDir),
      settings: () => ({
        timeoutMs: this.cfg.agent.timeoutMs,
        queueMode: this.cfg.agent.queueMode,
        historyMessages: this.cfg.agent.openai.historyMessages,
        bounds: {
          maxMessages: this.cfg.sessions.maxMessagesPerSession,
          maxBytes: this.cfg.sessions.maxBytesPerSession,
        },
        maxQueuedRuns: this.cfg.agent.maxQueuedRuns,
      }),
      deliver: (target, text, sessionKey, media) =>
        this.channels.deliverReply(target, text, sessionKey, outboxMediaOf(media)),
      readMedia: (ref) => this.media.read(ref),
      typing: (target, on) => this.chatActions.typing(target, on),
      onMessage: (m) => this.sessionFeed.messageStored(m),
      onRunChange: (key) => this.sessionFeed.runChanged(key),
    });
    this.sessionFeed = new SessionFeed({
      bus: this.bus,
      store: this.store,
      clock: this.clock,
      log: this.log.child({ component: 'sessions' }),
      activeRunId: (key) => this.sessions.activeRunId(key),
    });
    this.channels = new ChannelManager({
      store: this.store,
      clock: this.clock,
      log: this.log.child({ component: 'channels' }),
      outboxLog: this.log.child({ component: 'outbox' }),
      providers: options.providers ?? [],
      config: () => this.cfg.channels as Record<string, unknown>,
      stateDir: options.stateDir ?? '.',
      gatewayId: this.#gatewayId,
      sessions: () => this.sessions,
      webhooks: options.webhooks,
      ...options.channelTuning,
      onStatusChange: () => this.noteHealthChanged(),
      onLogin: (state) => this.bus.publish('web.login', state),
      ...(options.onChannelSecrets ? { onSecrets: options.onChannelSecrets } : {}),
      media: this.media,
      onMessageUpdated: (m) => this.sessionFeed.messageUpdated(m),
      inboundMedia: createInboundMedia({
        store: this.media,
        capabilities: (channel) => this.channels.providers.find((p) => p.id === channel)?.capabilities,
        transcriber: configuredTranscriber(() => this.cfg, options.stateDir),
        log: this.log.child({ component: 'media' }),
      }),
      ...(options.cluster
        ? { onEnqueue: (id: string, ch: string, acct: string) => this.cluster?.announceOutbox(id, ch, acct) }
        : {}),
    });
    this.addReadinessCheck({
      name: 'channels',
      // Accounts still connecting hold readiness back; ones that failed are reported as degraded,
      // not as "not ready", so one broken bot never takes the whole gateway out of rotation.
      // Each failing account is named with its state, since when and why.
      check: () => {
        const accounts = this.channels.summary().accounts;
        const label = (list: typeof accounts) =>
          list
            .map((a) => {
              const since = a.failingSince ? ` since ${new Date(a.failingSince).toISOString()}` : '';
              const why = a.lastError ? `: ${a.lastError}` : '';
              return `${a.channel}/${a.accountId} ${a.healthState}${since}${why}`;
            })
            .join('; ');
        const starting = accounts.filter((a) => a.healthState === 'starting');
        // held-elsewhere is normal with several gateways: another one serves that account.
        const failing = accounts.filter((a) =>
          ['degraded', 'backoff', 'failed', 'needs-action', 'awaiting-login'].includes(a.healthState),
        );
        if (starting.length) return { ready: false, reason: `connecting: ${label(starting)}` };
        if (failing.length) return { ready: false, degraded: true, reason: label(failing) };
        return { ready: true };
      },
    });
    this.cron = new CronService({
      store: this.store,
      bus: this.bus,
      clock: this.clock,
      log: this.log.child({ component: 'cron' }),
      enabled: () => this.cfg.cron.enabled,
      timers: options.cronTimers ?? true,
      ...(options.cluster
        ? {
            // One scheduler for the whole cluster: whoever holds the lease fires the jobs.
            leader: async () =>
              (
                await this.store.leases.acquire(
                  'cron:leader',
                  this.#gatewayId,
                  this.cfg.cluster.leaseTtlMs,
                  this.clock.now(),
                )
              ).acquired,
            leaderCheckMs: Math.max(250, Math.floor(this.cfg.cluster.leaseTtlMs / 3)),
          }
        : {}),
      runAgent: async (action, job, dedupeKey) => {
        const r = await this.sessions.agent({
          message: action.message,
          sessionKey: action.sessionKey ?? `cron:${job.id}`,
          deliver: action.deliver,
          dedupeKey,
          source: 'cron',
        });
        const outcome = this.sessions.wait(r.runId, 24 * 3600_000).then((w) => ({
          ok: w?.status === 'ok',
          error: w?.status === 'ok' ? undefined : (w?.error ?? w?.status),
        }));
        return { runId: r.runId, outcome };
      },
      send: async (action, idempotencyKey) => {
        const p: SendParams = { to: action.to, message: action.message, idempotencyKey };
        if (action.channel) p.channel = action.channel;
        if (action.accountId) p.accountId = action.accountId;
        await this.channels.send(p, 'cron');
      },
    });
    this.router.register(createCronHandlers(this.cron));
    this.cluster = options.cluster
      ? new ClusterBridge({
          link: options.cluster,
          bus: this.bus,
          log: this.log.child({ component: 'cluster' }),
          invokeLocal: (params) => this.nodes.invoke(params, undefined),
          isNodeHere: (nodeId) => this.nodes.isConnectedHere(nodeId),
          onOutboxRecord: (id) => void this.channels.outbox.adopt(id),
          localPresence: () => this.presence.list(),
        })
      : undefined;
    if (options.cluster) {
      const link = options.cluster;
      this.addReadinessCheck({
        name: 'cluster',
        check: () =>
          link.healthy() ? { ready: true } : { ready: false, degraded: true, reason: 'redis unreachable' },
      });
      link.onHealthChange((ok) => {
        this.log[ok ? 'info' : 'error'](
          { gatewayId: link.gatewayId },
          ok ? 'cluster backend reachable again' : 'cluster backend unreachable',
        );
        this.noteHealthChanged();
      });
    }
    this.router.register(createChatHandlers(this.sessions, this.media));
    this.router.register(
      createHostHandlers({
        bootId: this.bootId,
        startedAtMs: this.startedAtMs,
        now: () => this.clock.now(),
        port: () => this.#o.listen?.().port,
      }),
    );
    this.router.register(createAbsentHandlers());
    this.router.register(createAgentHandlers(this.sessions));
    this.agents = new AgentCatalog(
      () => this.cfg,
      async () => (await this.#agentApiKey(options.stateDir)) !== undefined,
    );
    this.router.register(createAgentsHandlers(this.agents, this.clock));
    this.router.register(
      createSessionsHandlers({
        store: this.store,
        sessions: this.sessions,
        feed: this.sessionFeed,
        catalog: this.agents,
        clock: this.clock,
      }),
    );
    this.router.registerFinal(createAgentFinals(this.sessions));
    this.router.register(createChannelHandlers(this.channels));
    this.router.register(createMessageHandlers(this.channels, this.chatActions));
    for (const table of options.handlers ?? []) this.router.register(table);
    this.config.onChange((change) => this.#onConfigChange(change.changed, change.origin));
    this.#host = {
      clock: this.clock,
      log: this.log,
      handshakeTimeoutMs: () => this.cfg.limits.handshakeTimeoutMs,
      maxPayload: () => this.cfg.limits.maxPayload,
      maxBufferedBytes: () => this.cfg.limits.maxBufferedBytes,
      replayMaxEvents: () => (this.cfg.limits.replayWindowMs > 0 ? this.cfg.limits.replayMaxEvents : 0),
      authenticate: (conn, params) => this.#authenticate(conn, params),
      dispatch: (conn, frame) => this.router.dispatch(conn, frame),
      onReady: (conn) => this.#onReady(conn),
      onClosed: (conn, code, reason) => this.#onClosed(conn, code, reason),
      onSlowConsumer: (conn) => {
        this.#metrics.slowConsumer();
        this.log.warn({ connId: conn.connId, peer: conn.peer.remoteAddress }, 'slow consumer cut off');
      },
      onHandshakeFailed: (conn, error) => this.#onHandshakeFailed(conn, error),
    };
  }

  get cfg(): GatewayConfig {
    return this.config.current;
  }

  /** Start timers. Idempotent. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.heartbeat.start();
    await this.sessions.recoverInterrupted();
    await this.media.start();
    this.cluster?.start();
    await this.channels.start();
    await this.cron.start();
    this.#scheduleTicks(this.cfg.limits.tickIntervalMs);
    this.#sweepTimer = setInterval(() => void this.#sweep(), 60_000);
    this.#sweepTimer.unref?.();
  }

  /** Serve more methods (subsystems that start after the core). */
  registerHandlers(table: HandlerTable): void {
    this.router.register(table);
    this.#helloParts = undefined;
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.#readiness.push(check);
  }

  /** Ready only when the core is up and every contributor is up or explicitly degraded. */
  readiness(): { ready: boolean; degraded: string[]; notReady: string[] } {
    const degraded: string[] = [];
    const notReady: string[] = [];
    if (!this.#started || this.#closed) notReady.push('core');
    if (this.#draining) notReady.push('draining');
    for (const r of this.#readiness) {
      const s = r.check();
      if (s.ready) continue;
      if (s.degraded) degraded.push(s.reason ? `${r.name}: ${s.reason}` : r.name);
      else notReady.push(s.reason ? `${r.name}: ${s.reason}` : r.name);
    }
    const el = this.#eventLoop.sample(this.clock.now());
    if (el.degraded) degraded.push(`event loop: ${el.reasons.join(', ')}`);
    return { ready: notReady.length === 0, degraded, notReady };
  }

  /** Hand a new socket to the core. The challenge goes out at once. */
  accept(transport: Transport, peer: PeerInfo): ConnectionHandle {
    const conn = new Connection(newId('conn'), transport, peer, this.#host);
    this.#all.add(conn);
    this.#metrics.connectionOpened();
    if (this.#draining || this.#closed) {
      conn.close(CloseCodes.SERVICE_RESTART, 'gateway shutting down');
    } else if (this.#all.size > this.cfg.limits.maxConnections) {
      conn.close(CloseCodes.POLICY_VIOLATION, 'too many connections');
    } else {
      conn.start();
    }
    return {
      connection: conn,
      message: (text, size) => conn.receive(text, size),
      binary: () => conn.receiveBinary(),
      closed: (code, reason) => conn.transportClosed(code, reason),
    };
  }

  /** Ready connections. */
  *connections(): IterableIterator<Connection> {
    for (const c of this.bus.connections()) if (c.state === 'ready') yield c;
  }

  /** Open, authenticated connections. */
  get connectionCount(): number {
    let n = 0;
    for (const c of this.bus.connections()) if (c.state === 'ready') n++;
    return n;
  }

  stateVersion(): { presence: number; health: number } {
    return { presence: this.presence.version, health: this.#healthVersion };
  }

  health(): HealthSummary {
    const t0 = performance.now();
    const eventLoop = this.#eventLoop.sample(this.clock.now());
    const summary: HealthSummary = {
      ok: true,
      ts: this.clock.now(),
      durationMs: 0,
      eventLoop,
      ...this.#channelHealth(),
      heartbeatSeconds: this.heartbeat.intervalSeconds,
    };
    summary.durationMs = Math.round(performance.now() - t0);
    return summary;
  }

  /** The OpenAI-compatible API key: its env var, else its key file (default `<state dir>/agent-api-key`). */
  async #agentApiKey(stateDir: string | undefined): Promise<string | undefined> {
    const o = this.cfg.agent.openai;
    const fromEnv = process.env[o.apiKeyEnv]?.trim();
    if (fromEnv) return fromEnv;
    const file = o.apiKeyFile ?? (stateDir ? join(stateDir, 'agent-api-key') : undefined);
    if (!file) return undefined;
    return (await readFile(file, 'utf8').catch(() => '')).trim() || undefined;
  }

  /** echo or openai-compatible, chosen per run from the live config. */
  #configuredResponder(stateDir: string | undefined): () => Responder {
    const openai = openAiResponder(() => {
      const o = this.cfg.agent.openai;
      return {
        baseUrl: o.baseUrl,
        model: o.model,
        systemPrompt: o.systemPrompt,
        temperature: o.temperature,
        vision: o.vision,
        apiKey: () => this.#agentApiKey(stateDir),
      };
    });
    return () => (this.cfg.agent.backend === 'openai-compatible' ? openai : echoResponder);
  }

  #channelHealth(): Pick<HealthSummary, 'channels' | 'channelOrder' | 'channelLabels'> {
    const out: Pick<HealthSummary, 'channels' | 'channelOrder' | 'channelLabels'> = {
      channels: {},
      channelOrder: [],
      channelLabels: {},
    };
    const labels = new Map(this.channels.providers.map((p) => [p.id, p.label]));
    for (const a of this.channels.summary().accounts) {
      let c = out.channels[a.channel];
      if (!c) {
        c = { state: a.healthState, accounts: 0, connected: 0, lastInboundAt: null, lastError: null };
        out.channels[a.channel] = c;
        out.channelOrder.push(a.channel);
        out.channelLabels[a.channel] = labels.get(a.channel) ?? a.channel;
      }
      c.accounts++;
      if (a.connected) c.connected++;
      // The channel is as healthy as its worst account.
      if (a.healthState !== 'running') c.state = a.healthState;
      if (a.lastInboundAt && (c.lastInboundAt ?? 0) < a.lastInboundAt) c.lastInboundAt = a.lastInboundAt;
      if (a.lastError) c.lastError = a.lastError;
    }
    return out;
  }

  /** Bump the health version and tell clients when something health-relevant changed. */
  noteHealthChanged(): void {
    const h = this.health();
    const key = JSON.stringify([h.eventLoop.degraded, h.channels]);
    if (key === this.#lastHealthKey) return;
    this.#lastHealthKey = key;
    this.#healthVersion++;
    this.bus.publish('health', h, { stateVersion: this.stateVersion() });
  }

  async status(): Promise<StatusResult> {
    const now = this.clock.now();
    const listen = this.#o.listen?.() ?? { bind: 'loopback', host: '127.0.0.1', port: 0, tls: false };
    let operators = 0;
    let nodes = 0;
    for (const c of this.connections()) {
      if (c.session?.role === 'node') nodes++;
      else operators++;
    }
    // status must answer even when a shared store is down: that is when operators need it most.
    const counts = await Promise.all([
      this.store.pairing.listPending(now),
      this.store.nodes.listPendingRequests(now),
      this.store.nodes.list(),
    ]).catch((error: unknown) => {
      this.log.warn({ err: error }, 'status: store unavailable, counts omitted');
      return undefined;
    });
    const [pendingDevices, pendingNodes, knownNodes] = counts ?? [[], [], []];
    const lockouts = this.#limiter.lockouts();
    const r = this.readiness();
    if (!counts) r.degraded.push('store: unavailable (pending and known counts are missing)');
    return {
      version: this.version,
      bootId: this.bootId,
      startedAtMs: this.startedAtMs,
      uptimeMs: now - this.startedAtMs,
      ready: r.ready,
      degraded: [...r.degraded, ...r.notReady],
      gateway: { ...listen, authMode: this.cfg.auth.mode },
      connections: { total: operators + nodes, operators, nodes },
      channels: this.channels.summary().accounts.map((a) => {
        const c: StatusResult['channels'][number] = {
          channel: a.channel,
          accountId: a.accountId,
          state: a.healthState,
          connected: a.connected,
          lastInboundAt: a.lastInboundAt,
          lastError: a.lastError,
          lastErrorAt: a.lastErrorAt,
          failingSince: a.failingSince,
        };
        if (a.heldBy) c.owner = a.heldBy;
        if (a.action) c.action = a.action;
        return c;
      }),
      nodes: { connected: nodes, known: knownNodes.length },
      pending: { devices: pendingDevices.length, nodes: pendingNodes.length },
      authLockouts: { total: lockouts.length, entries: lockouts.slice(0, 20) },
    };
  }

  /**
   * Close live sockets of a device (optionally one role, or only those that used one token).
   * Used when tokens are rotated or revoked and devices removed.
   */
  closeConnections(
    match: { deviceId: string; role?: string; tokenHash?: string; exceptConnId?: string | undefined },
    reason: string,
  ): number {
    let n = 0;
    for (const [id, r] of this.#retained) if (r.deviceId === match.deviceId) this.#releaseRetained(id);
    for (const c of [...this.connections()]) {
      const s = c.session;
      if (!s || s.deviceId !== match.deviceId) continue;
      if (match.role && s.role !== match.role) continue;
      if (match.tokenHash && s.deviceTokenHash !== match.tokenHash) continue;
      if (match.exceptConnId === c.connId) continue;
      c.close(CloseCodes.CREDENTIALS_REVOKED, reason);
      n++;
    }
    return n;
  }

  /**
   * Stop accepting work, tell clients, let in-flight requests finish within `drainMs`, then
   * close every socket (1012 when a restart is expected, else 1001).
   */
  async shutdown(options: { reason: string; restartExpectedMs?: number; drainMs?: number }): Promise<void> {
    if (this.#closed) return;
    this.#draining = true;
    const payload: { reason: string; restartExpectedMs?: number } = { reason: options.reason };
    if (options.restartExpectedMs !== undefined) payload.restartExpectedMs = options.restartExpectedMs;
    this.bus.publish('shutdown', payload, { replayable: false });
    const deadline = Date.now() + (options.drainMs ?? 5000);
    while (Date.now() < deadline && [...this.#all].some((c) => c.inFlight > 0)) {
      await new Promise((r) => setTimeout(r, 20));
    }
    const code = options.restartExpectedMs !== undefined ? CloseCodes.SERVICE_RESTART : CloseCodes.GOING_AWAY;
    for (const c of [...this.#all]) c.close(code, options.reason);
    await this.close();
  }

  /** Release timers and the store. Sockets still open are terminated. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#draining = true;
    if (this.#tickTimer) clearInterval(this.#tickTimer);
    if (this.#sweepTimer) clearInterval(this.#sweepTimer);
    this.storeHealth.close();
    this.heartbeat.stop();
    await this.cron.close();
    await this.cluster?.close();
    await this.sessions.close();
    this.chatActions.close();
    await this.channels.close();
    this.nodes.close();
    this.approvals.close();
    this.questions.close();
    this.presence.close();
    this.#eventLoop.close();
    for (const c of [...this.#all]) c.close(CloseCodes.GOING_AWAY, 'gateway closed');
    await this.lastSeen
      .flush()
      .catch((error: unknown) => this.log.warn({ err: error }, 'last-seen flush failed'));
    await this.store.close();
  }

  get draining(): boolean {
    return this.#draining;
  }

  // ── connection host ─────────────────────────────────────────────────────────

  async #authenticate(conn: Connection, params: ConnectParams): Promise<string> {
    const { session, issued } = await this.#authenticator.authenticate(conn, params);
    let resume: (RetainedStream & { frames: readonly string[] }) | undefined;
    if (params.resume && session.deviceId) {
      const retained = this.#retained.get(params.resume.connId);
      if (retained && retained.deviceId === session.deviceId && retained.expiresAt > this.clock.now()) {
        const frames = retained.conn.replayAfter(params.resume.lastSeq, tickHead(this.clock.now()));
        const stream = retained.conn.retainedStream();
        this.#releaseRetained(params.resume.connId);
        if (frames && stream) resume = { ...stream, frames };
      }
    }
    conn.askedToResume = params.resume !== undefined;
    conn.establish(session, resume);
    const auth: HelloOk['auth'] = { role: session.role, scopes: [...session.scopes] };
    if (issued) {
      auth.deviceToken = issued.token;
      auth.issuedAtMs = issued.issuedAtMs;
    }
    return this.#helloJson(session.protocol, conn.connId, auth);
  }

  #helloParts:
    | {
        features: string;
        policy: string;
        tail: string;
        presenceVersion: number;
        presence: string;
        healthAt: number;
        health: string;
      }
    | undefined;

  /**
   * hello-ok as JSON text, assembled from cached pieces: the feature list and policy change only
   * with config, presence only with its version, health at most once a second. With thousands of
   * devices connected, serialising the full snapshot for every connect would dominate the handshake.
   */
  #helloJson(protocol: number, connId: string, auth: HelloOk['auth']): string {
    const limits = this.cfg.limits;
    let parts = this.#helloParts;
    if (!parts) {
      const capabilities =
        limits.replayWindowMs > 0 && limits.replayMaxEvents > 0 ? [EVENT_RESUME_CAPABILITY] : [];
      parts = {
        features: JSON.stringify({ methods: this.router.methods(), events: eventNames, capabilities }),
        policy: JSON.stringify({
          maxPayload: limits.maxPayload,
          maxBufferedBytes: limits.maxBufferedBytes,
          tickIntervalMs: limits.tickIntervalMs,
        }),
        tail: `,"authMode":${JSON.stringify(this.cfg.auth.mode)}}`,
        presenceVersion: -1,
        presence: '[]',
        healthAt: 0,
        health: '',
      };
      this.#helloParts = parts;
    }
    const now = this.clock.now();
    if (parts.presenceVersion !== this.presence.version) {
      parts.presence = JSON.stringify(this.presence.list());
      parts.presenceVersion = this.presence.version;
    }
    if (now - parts.healthAt >= 1000 || !parts.health) {
      parts.health = JSON.stringify(this.health());
      parts.healthAt = now;
    }
    const server = JSON.stringify({ version: this.version, connId, bootId: this.bootId });
    return `{"type":"hello-ok","protocol":${protocol},"server":${server},"features":${parts.features},"snapshot":{"presence":${parts.presence},"health":${parts.health},"stateVersion":${JSON.stringify(this.stateVersion())},"uptimeMs":${now - this.startedAtMs}${parts.tail},"auth":${JSON.stringify(auth)},"policy":${parts.policy}}`;
  }

  #onReady(conn: Connection): void {
    const s = conn.session!;
    this.#metrics.handshake('ok');
    // Replayed frames first, so nothing live can overtake them.
    const replay = conn.takePendingReplay();
    if (replay) for (const frame of replay) conn.sendRaw(frame);
    this.bus.add(conn);
    this.presence.add(conn);
    this.log.info(
      {
        connId: conn.connId,
        peer: conn.peer.remoteAddress,
        clientId: s.clientId,
        role: s.role,
        deviceId: s.deviceId,
        auth: s.authKind,
        resumed: replay !== undefined,
      },
      'client connected',
    );
    if (s.role === 'node') {
      this.nodes
        .connected(conn)
        .catch((error: unknown) =>
          this.log.error({ err: error, connId: conn.connId }, 'node registration failed'),
        );
    }
    // A client that asked to resume learns from its first seq whether it got the old stream back.
    if (conn.askedToResume) conn.sendEvent(tickHead(this.clock.now()), false);
  }

  #onClosed(conn: Connection, code: number, reason: string): void {
    if (!this.#all.delete(conn)) return;
    this.#metrics.connectionClosed();
    const s = conn.session;
    if (!s) return;
    this.presence.remove(conn);
    if (s.role === 'node') {
      this.nodes
        .disconnected(conn)
        .catch((error: unknown) => this.log.warn({ err: error }, 'node bookkeeping failed'));
    }
    const windowMs = this.cfg.limits.replayWindowMs;
    // A closed connection stays on the bus for the replay window, recording what its client misses.
    if (
      s.deviceId &&
      windowMs > 0 &&
      !this.#closed &&
      code !== CloseCodes.CREDENTIALS_REVOKED &&
      conn.detach()
    ) {
      // One stream per client instance: a newer drop supersedes an older one. Total is capped too,
      // so clients that reconnect all day cannot make every publish walk thousands of ghosts.
      const key = `${s.deviceId}|${s.role}|${s.clientId}|${s.instanceId ?? ''}`;
      const previous = this.#retainedByClient.get(key);
      if (previous) this.#releaseRetained(previous);
      while (this.#retained.size >= MAX_RETAINED_STREAMS) {
        const oldest = this.#retained.keys().next().value;
        if (oldest === undefined) break;
        this.#releaseRetained(oldest);
      }
      this.#retained.set(conn.connId, {
        conn,
        deviceId: s.deviceId,
        key,
        expiresAt: this.clock.now() + windowMs,
      });
      this.#retainedByClient.set(key, conn.connId);
    } else {
      this.bus.delete(conn);
    }
    this.log.info(
      { connId: conn.connId, peer: conn.peer.remoteAddress, clientId: s.clientId, code, reason },
      'client disconnected',
    );
  }

  #onHandshakeFailed(conn: Connection, error: GatewayError): void {
    this.#metrics.handshake('failed', error.detailCode ?? error.code);
    this.log.warn(
      { connId: conn.connId, peer: conn.peer.remoteAddress, code: error.code, detail: error.detailCode },
      'connect rejected',
    );
  }

  #scheduleTicks(ms: number): void {
    if (this.#tickTimer && ms === this.#tickMs) return;
    if (this.#tickTimer) clearInterval(this.#tickTimer);
    this.#tickMs = ms;
    this.#tickTimer = setInterval(() => {
      this.bus.publish('tick', { ts: this.clock.now() }, { replayable: false });
      this.noteHealthChanged();
    }, ms);
    this.#tickTimer.unref?.();
  }

  #onConfigChange(changed: string[], origin: string | undefined): void {
    const cfg = this.cfg;
    this.#helloParts = undefined;
    this.#limiter.setPolicy(cfg.auth.rateLimit);
    if (changed.some((p) => p.startsWith('limits.tickIntervalMs'))) {
      // Clients watch for ticks at the interval they were told; never tick slower than that.
      let min = cfg.limits.tickIntervalMs;
      if (this.connectionCount > 0) min = Math.min(min, this.#tickMs);
      this.#scheduleTicks(min);
    }
    if (changed.some((p) => p === 'auth.token' || p === 'auth.password' || p === 'auth.mode')) {
      // Sockets that authenticated with the old shared secret lose it now.
      for (const c of [...this.connections()]) {
        if (c.session?.authKind === 'shared-secret' || c.session?.authKind === 'none') {
          // The socket that made the change hears that it succeeded before it is closed.
          if (c.connId === origin)
            c.closeWhenAnswered(CloseCodes.CREDENTIALS_REVOKED, 'gateway auth changed');
          else c.close(CloseCodes.CREDENTIALS_REVOKED, 'gateway auth changed');
        }
      }
    }
    if (changed.some((p) => p.startsWith('logging.level'))) this.log.level = cfg.logging.level;
  }

  #releaseRetained(connId: string): void {
    const r = this.#retained.get(connId);
    if (!r) return;
    this.#retained.delete(connId);
    if (this.#retainedByClient.get(r.key) === connId) this.#retainedByClient.delete(r.key);
    this.bus.delete(r.conn);
  }

  async #sweep(): Promise<void> {
    const now = this.clock.now();
    for (const [id, r] of this.#retained) if (r.expiresAt <= now) this.#releaseRetained(id);
    try {
      await this.store.idempotency.prune(now);
      await this.pairing.sweep();
      await this.channels.sweep();
      const keepMs = this.cfg.sessions.retentionDays * 86_400_000;
      await this.store.sessions.prune(now - keepMs, this.cfg.sessions.maxMessagesPerSession);
      await this.store.runs.prune(now - keepMs);
      if (now - this.#lastMediaSweep >= MEDIA_SWEEP_EVERY_MS) {
        this.#lastMediaSweep = now;
        await this.media.sweep();
      }
    } catch (error) {
      this.log.warn({ err: error }, 'sweep failed');
    }
  }
}

const MAX_RETAINED_STREAMS = 5000;

function tickHead(ts: number): string {
  return `{"type":"event","event":"tick","payload":{"ts":${ts}}`;
}

/** Build and start a core. */
export async function createGatewayCore(options: GatewayCoreOptions): Promise<GatewayCore> {
  const core = new GatewayCore(options);
  await core.start();
  return core;
}
