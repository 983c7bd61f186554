import { CloseCodes } from '@openclaw/protocol';
import { type AgentWiring, wireAgent } from './agent/agent-wiring.ts';
import { AuditLog } from './audit/audit-log.ts';
import { createGatewayAuth } from './auth/gateway-auth.ts';
import type { HttpAuthenticator } from './auth/http-authenticator.ts';
import type { ChatActions } from './channels/chat-actions.ts';
import { type Channels, createChannels } from './channels/create-channels.ts';
import type { ClusterBridge } from './cluster/cluster-bridge.ts';
import { joinCluster } from './cluster/join-cluster.ts';
import type { ConfigManager } from './config/config-manager.ts';
import { applyLiveConfig } from './config/live-config.ts';
import { type ConnectionHandle, ConnectionHub, type DrainOptions } from './connection/connection-hub.ts';
import type { PeerInfo, Transport } from './connection/transport.ts';
import { cronActions, cronLeadership } from './cron/cron-actions.ts';
import { CronService } from './cron/cron-service.ts';
import { EventBus } from './events/event-bus.ts';
import { Ticker } from './events/ticker.ts';
import type { GatewayCoreOptions } from './gateway-core-options.ts';
import { registerCoreHandlers } from './handlers/core-handlers.ts';
import { channelReadiness, HealthReporter, type ReadinessCheck } from './health/health-reporter.ts';
import { GatewayHeartbeats } from './heartbeat/gateway-heartbeats.ts';
import type { Logger } from './logging/logger.ts';
import { createMediaStore, mediaSweep } from './media/media-service.ts';
import type { MediaStore } from './media/media-store.ts';
import { configuredTranscriber } from './media/transcriber.ts';
import { noopMetrics } from './metrics/core-metrics.ts';
import { NodeService } from './nodes/node-service.ts';
import { DevicePairing } from './pairing/device-pairing.ts';
import { LastSeen } from './pairing/last-seen.ts';
import { PresenceRegistry } from './presence/presence.ts';
import { QuestionService } from './questions/question-service.ts';
import { Idempotency } from './router/idempotency.ts';
import { type HandlerOverrides, Router } from './router/router.ts';
import { watchConversations } from './sessions/conversations.ts';
import { runSettings } from './sessions/run-settings.ts';
import { sessionCommands } from './sessions/session-commands.ts';
import type { SessionRouter } from './sessions/session-router.ts';
import { observeStore } from './store/observe-store.ts';
import { StoreHealth } from './store/store-health.ts';
import { storeProbe } from './store/store-probe.ts';
import { Sweeper } from './store/sweeper.ts';
import type { Store } from './store/types.ts';
import { type Clock, systemClock } from './util/clock.ts';
import { newId } from './util/ids.ts';

/**
 * The gateway's core with no HTTP server: it builds the services, wires them together and runs
 * their lifecycle, and does nothing else. Hand it sockets (as Transports) and it runs the protocol
 * on them; apps/gateway composes it with fastify and ws.
 *
 * @example
 * const core = await createGatewayCore({ config, store, log, version: '1.0.0', secrets: () => ({ token }) });
 * wss.on('connection', (ws, req) => attachSocket(core, ws, peerOf(req)));
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
  readonly version: string;
  readonly bus = new EventBus();
  readonly audit: AuditLog;
  readonly lastSeen: LastSeen;
  readonly pairing: DevicePairing;
  readonly presence: PresenceRegistry;
  readonly router: Router;
  /** Health, readiness and status. */
  readonly reports: HealthReporter;
  /** Every socket, from challenge to close. */
  readonly hub: ConnectionHub;
  readonly heartbeat: GatewayHeartbeats;
  readonly nodes: NodeService;
  readonly sessions: SessionRouter;
  /** Models, compaction, exec approvals and the responder that runs the tool loop. */
  readonly agent: AgentWiring;
  readonly questions: QuestionService;
  readonly channels: Channels;
  /** Typing, reactions, edits and deletes on channel chats. */
  readonly chatActions: ChatActions;
  /** Photos, voice notes and files, inbound and outbound (served at /__openclaw__/media/). */
  readonly media: MediaStore;
  readonly cron: CronService;
  readonly cluster: ClusterBridge | undefined;
  /** Authentication for the HTTP surfaces (canvas, A2UI, session, metrics), behind the same limiter. */
  readonly httpAuth: HttpAuthenticator;
  readonly #ticker: Ticker;
  readonly #gatewayId: string;
  readonly #sweeper: Sweeper;
  #draining = false;
  #closed = false;
  #started = false;

  constructor(options: GatewayCoreOptions) {
    this.clock = options.clock ?? systemClock;
    this.startedAtMs = this.clock.now();
    this.log = options.log;
    this.config = options.config;
    const cfg = () => this.config.current;
    this.version = options.version;
    const metrics = options.metrics ?? noopMetrics;
    const bus = this.bus;
    this.#gatewayId = options.cluster?.gatewayId ?? options.gatewayId ?? this.bootId;

    this.storeHealth = new StoreHealth({
      clock: this.clock,
      log: this.log.child({ component: 'store' }),
      probe: storeProbe(options.store, this.clock),
    });
    this.store = observeStore(options.store, (failure) => this.storeHealth.report(failure));
    this.audit = new AuditLog(this.store, this.clock, this.log);
    // What every service is built with; each takes the parts its options name.
    const base = { store: this.store, bus, clock: this.clock, log: this.log };
    this.lastSeen = new LastSeen(this.store, this.log);
    this.presence = new PresenceRegistry({
      clock: this.clock,
      batchMs: options.presenceBatchMs ?? 100,
      tags: options.presenceTags ?? [],
      onFlush: (change) => {
        bus.publish('presence', change, { stateVersion: this.reports.stateVersion() });
        this.cluster?.presenceChanged();
      },
    });
    this.pairing = new DevicePairing({
      ...base,
      audit: this.audit,
      requestTtlMs: () => cfg().pairing.requestTtlMs,
      closeConnections: (match, reason) => this.hub.closeConnections(match, reason),
      isConnected: (deviceId) => this.presence.isConnected(deviceId),
      flushLastSeen: () => this.lastSeen.flush(),
    });
    const auth = createGatewayAuth({
      store: this.store,
      clock: this.clock,
      audit: this.audit,
      pairing: this.pairing,
      config: cfg,
      lastSeen: this.lastSeen,
      secrets: options.secrets,
      log: this.log,
    });
    this.httpAuth = auth.http;
    this.router = new Router({
      log: this.log,
      idempotency: new Idempotency(this.store, this.clock, () => cfg().limits.idempotencyTtlMs),
      validateResults: options.validateResults ?? process.env.NODE_ENV === 'test',
      metrics: { onRequest: (m, o, ms, code) => metrics.request(m, o, ms, code) },
      draining: () => this.#draining,
      storeFailing: () => this.storeHealth.failing,
      writeLimits: () => cfg().limits,
    });
    this.heartbeat = new GatewayHeartbeats({
      ...base,
      defaults: { enabled: cfg().heartbeat.enabled, intervalMs: cfg().heartbeat.intervalMs },
      core: this,
    });
    this.nodes = new NodeService({
      ...base,
      audit: this.audit,
      requestTtlMs: () => cfg().pairing.requestTtlMs,
      denyCommands: () => cfg().nodes.denyCommands,
      defaultInvokeTimeoutMs: () => cfg().nodes.invokeTimeoutMs,
      remoteInvoke: options.cluster
        ? (params) => this.cluster!.remoteInvoke(params, cfg().nodes.invokeTimeoutMs)
        : undefined,
    });
    this.agent = wireAgent({
      ...base,
      config: cfg,
      stateDir: options.stateDir,
      responder: options.responder,
      tools: () => this,
    });
    this.questions = new QuestionService(bus, this.clock);
    this.media = createMediaStore({
      ...base,
      config: cfg,
      stateDir: options.stateDir,
      log: this.log.child({ component: 'media' }),
    });
    // Session rows and transcripts as events and views; they ask the conversations which run is active.
    const conversations = watchConversations({
      ...base,
      ...this.agent.rowParts,
      log: this.log.child({ component: 'sessions' }),
      activeRunId: (key) => this.sessions.activeRunId(key),
    });
    this.channels = createChannels({
      ...base,
      responder: this.agent.responder,
      runSettings: runSettings(cfg),
      reasoningLevel: this.agent.reasoningLevel,
      sessionLevels: this.agent.agentState.thinking,
      ownerAllowFrom: () => cfg().commands?.ownerAllowFrom,
      onSessionPatched: (key) => conversations.feed.sessionChanged(key, 'patch'),
      sessionCommands: sessionCommands({
        ...this.agent,
        store: this.store,
        sessions: () => this.sessions,
        feed: conversations.feed,
      }),
      ackReaction: () => cfg().agent.ackReaction,
      // Clustered, the store is shared: runs are leased, and taken over when their gateway dies.
      ...(options.cluster ? { runOwnerId: this.#gatewayId } : {}),
      onMessage: (m) => conversations.feed.messageStored(m),
      onRunChange: (key, reset) => conversations.feed.sessionChanged(key, reset ?? 'run'),
      chatSessionKey: this.agent.chatSessionKey,
      updateSessionKeys: this.agent.updateSessionKeys,
      onMessageUpdated: (m) => conversations.feed.messageUpdated(m),
      providers: options.providers ?? [],
      resolveProvider: options.resolveProvider,
      config: () => cfg().channels as Record<string, unknown>,
      stateDir: options.stateDir ?? '.',
      gatewayId: this.#gatewayId,
      webhooks: options.webhooks,
      ...options.channelTuning,
      onStatusChange: () => this.reports.noteHealthChanged(),
      onLogin: (state) => bus.publish('web.login', state),
      ...(options.onChannelSecrets ? { onSecrets: options.onChannelSecrets } : {}),
      media: this.media,
      diagnostics: { record: (r) => this.reports.diagnostics.record(r) },
      transcriber: configuredTranscriber(cfg, options.stateDir),
      ...(options.cluster
        ? { onEnqueue: (id: string, ch: string, acct: string) => this.cluster?.announceOutbox(id, ch, acct) }
        : {}),
    });
    this.sessions = this.channels.conversations;
    this.chatActions = this.channels.chatActions;
    this.reports = new HealthReporter({
      ...base,
      config: cfg,
      gateway: this,
      presenceVersion: () => this.presence.version,
      heartbeatSeconds: () => this.heartbeat.intervalSeconds,
      channels: this.channels,
      limiter: auth.limiter,
      listen: options.listen,
      lifecycle: () => ({ started: this.#started, closed: this.#closed, draining: this.#draining }),
      agents: this.agent.agents,
    });
    this.reports.addReadinessCheck({ name: 'store', check: () => this.storeHealth.readiness() });
    this.reports.addReadinessCheck(channelReadiness(this.channels));
    this.cron = new CronService({
      ...base,
      log: this.log.child({ component: 'cron' }),
      enabled: () => cfg().cron.enabled,
      timers: options.cronTimers ?? true,
      ...(options.cluster
        ? cronLeadership({
            ...base,
            gatewayId: this.#gatewayId,
            leaseTtlMs: () => cfg().cluster.leaseTtlMs,
          })
        : {}),
      ...cronActions(this, { ...base, feed: conversations.feed }),
    });
    this.cluster = options.cluster
      ? joinCluster(options.cluster, {
          bus,
          log: this.log,
          nodes: this.nodes,
          channels: this.channels,
          presence: this.presence,
          reports: this.reports,
          approvals: this.agent.approvals,
        })
      : undefined;
    registerCoreHandlers(this, {
      listenPort: () => options.listen?.().port,
      logRing: options.logRing,
      sessionFeed: conversations.feed,
      sessionViews: conversations.views,
      tables: options.handlers,
    });
    this.hub = new ConnectionHub({
      ...base,
      metrics,
      config: cfg,
      authenticator: auth.ws,
      gateway: this,
      methods: () => this.router.methods(),
      health: () => this.reports.health(),
      stateVersion: () => this.reports.stateVersion(),
      presence: this.presence,
      nodes: this.nodes,
      router: this.router,
      lifecycle: () => ({ draining: this.#draining, closed: this.#closed }),
    });
    this.#ticker = new Ticker({ bus, clock: this.clock, onTick: () => this.reports.noteHealthChanged() });
    this.#sweeper = new Sweeper({
      ...base,
      config: cfg,
      expire: (now) => this.hub.sweep(now),
      sweeps: [() => this.pairing.sweep(), () => this.channels.sweep(), mediaSweep(this.media, this.clock)],
    });
    this.config.onChange(
      applyLiveConfig({
        ...base,
        config: cfg,
        limiter: auth.limiter,
        ticker: this.#ticker,
        hub: this.hub,
        channels: this.channels.accounts,
      }),
    );
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
    this.#ticker.schedule(this.config.current.limits.tickIntervalMs);
    this.#sweeper.start();
  }

  /** Hand a new socket to the core. The challenge goes out at once. */
  accept(transport: Transport, peer: PeerInfo): ConnectionHandle {
    return this.hub.accept(transport, peer);
  }

  /** Replace some handlers (subsystems that start after the core). */
  registerHandlers(table: HandlerOverrides): void {
    this.router.register(table);
    this.hub.helloChanged();
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.reports.addReadinessCheck(check);
  }

  /** Ready only when the core is up and every contributor is up or explicitly degraded. */
  readiness(): ReturnType<HealthReporter['readiness']> {
    return this.reports.readiness();
  }

  /** Stop accepting work, drain the sockets (tell clients, finish in-flight requests, close), then close. */
  async shutdown(options: DrainOptions): Promise<void> {
    if (this.#closed) return;
    this.#draining = true;
    await this.hub.drain(options);
    await this.close();
  }

  /** Release timers and the store. Sockets still open are terminated. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#draining = true;
    this.#ticker.close();
    this.#sweeper.close();
    this.storeHealth.close();
    this.heartbeat.stop();
    await this.cron.close();
    await this.cluster?.close();
    // Runs, typing, the sends, then the accounts.
    await this.channels.close();
    this.nodes.close();
    this.agent.approvals.close();
    this.questions.close();
    this.presence.close();
    this.reports.close();
    this.hub.closeAll(CloseCodes.GOING_AWAY, 'gateway closed');
    await this.lastSeen
      .flush()
      .catch((error: unknown) => this.log.warn({ err: error }, 'last-seen flush failed'));
    await this.store.close();
  }
}

/** Build and start a core. */
export async function createGatewayCore(options: GatewayCoreOptions): Promise<GatewayCore> {
  const core = new GatewayCore(options);
  await core.start();
  return core;
}
