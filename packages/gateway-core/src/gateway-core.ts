import { CloseCodes } from '@openclaw/protocol';
import { configuredResponder } from './agent/configured-responder.ts';
import { AuditLog } from './audit/audit-log.ts';
import { AuthLimiter } from './auth/auth-limiter.ts';
import { Authenticator } from './auth/authenticator.ts';
import { HttpAuthenticator } from './auth/http-authenticator.ts';
import { reportRestriction } from './auth/report-restriction.ts';
import { ChannelManager } from './channels/channel-manager.ts';
import type { ClusterBridge } from './cluster/cluster-bridge.ts';
import { joinCluster } from './cluster/join-cluster.ts';
import type { ConfigManager } from './config/config-manager.ts';
import { type ConnectionHandle, ConnectionHub } from './connection/connection-hub.ts';
import { HelloOkBuilder } from './connection/hello-ok.ts';
import type { PeerInfo, Transport } from './connection/transport.ts';
import { cronActions, cronLeadership } from './cron/cron-actions.ts';
import { CronService } from './cron/cron-service.ts';
import { EventBus } from './events/event-bus.ts';
import { Ticker } from './events/ticker.ts';
import type { GatewayCoreOptions } from './gateway-core-options.ts';
import { createHandlers } from './handlers/index.ts';
import { channelReadiness, HealthReporter, type ReadinessCheck } from './health/health-reporter.ts';
import { Heartbeat } from './heartbeat/heartbeat.ts';
import type { Logger } from './logging/logger.ts';
import { noopMetrics } from './metrics/core-metrics.ts';
import { NodeService } from './nodes/node-service.ts';
import { DevicePairing } from './pairing/device-pairing.ts';
import { LastSeen } from './pairing/last-seen.ts';
import { PresenceRegistry } from './presence/presence.ts';
import { Idempotency } from './router/idempotency.ts';
import { type HandlerOverrides, Router } from './router/router.ts';
import { runSettings } from './sessions/run-settings.ts';
import { SessionRouter } from './sessions/session-router.ts';
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
  readonly heartbeat: Heartbeat;
  readonly nodes: NodeService;
  readonly sessions: SessionRouter;
  readonly channels: ChannelManager;
  readonly cron: CronService;
  readonly cluster: ClusterBridge | undefined;
  /** Authentication for the HTTP surfaces (canvas, A2UI, session, metrics), behind the same limiter. */
  readonly httpAuth: HttpAuthenticator;
  readonly #limiter: AuthLimiter;
  readonly #hello: HelloOkBuilder;
  readonly #ticker: Ticker;
  readonly #gatewayId: string;
  readonly #sweeper: Sweeper;
  #draining = false;
  #closed = false;
  #started = false;

  constructor(options: GatewayCoreOptions) {
    const clock = (this.clock = options.clock ?? systemClock);
    this.startedAtMs = clock.now();
    const log = (this.log = options.log);
    const config = (this.config = options.config);
    const cfg = () => config.current;
    this.version = options.version;
    const metrics = options.metrics ?? noopMetrics;
    const bus = this.bus;
    this.#gatewayId = options.cluster?.gatewayId ?? options.gatewayId ?? this.bootId;

    const storeHealth = (this.storeHealth = new StoreHealth({
      clock,
      log: log.child({ component: 'store' }),
      probe: storeProbe(options.store, clock),
    }));
    const store = (this.store = observeStore(options.store, (failure) => storeHealth.report(failure)));
    const audit = (this.audit = new AuditLog(store, clock, log));
    const lastSeen = (this.lastSeen = new LastSeen(store, log));
    const limiter = (this.#limiter = new AuthLimiter({
      policy: cfg().auth.rateLimit,
      clock,
      onRestricted: reportRestriction(log, audit),
    }));
    const presence = (this.presence = new PresenceRegistry({
      clock,
      batchMs: options.presenceBatchMs ?? 100,
      tags: options.presenceTags ?? [],
      onFlush: (change) => {
        bus.publish('presence', change, { stateVersion: this.reports.stateVersion() });
        this.cluster?.presenceChanged();
      },
    }));
    const pairing = (this.pairing = new DevicePairing({
      store,
      bus,
      clock,
      audit,
      requestTtlMs: () => cfg().pairing.requestTtlMs,
      closeConnections: (match, reason) => this.hub.closeConnections(match, reason),
      isConnected: (deviceId) => presence.isConnected(deviceId),
      flushLastSeen: () => lastSeen.flush(),
    }));
    const authenticator = new Authenticator({
      store,
      clock,
      audit,
      pairing,
      limiter,
      config: cfg,
      lastSeen,
      secrets: options.secrets,
    });
    this.httpAuth = new HttpAuthenticator({
      limiter,
      store,
      clock,
      audit,
      config: cfg,
      secrets: options.secrets,
    });
    const router = (this.router = new Router({
      log,
      idempotency: new Idempotency(store, clock, () => cfg().limits.idempotencyTtlMs),
      validateResults: options.validateResults ?? process.env.NODE_ENV === 'test',
      metrics: { onRequest: (m, o, ms, code) => metrics.request(m, o, ms, code) },
      draining: () => this.#draining,
      storeFailing: () => storeHealth.failing,
      writeLimits: () => cfg().limits,
    }));
    const heartbeat = (this.heartbeat = new Heartbeat({
      bus,
      clock,
      kv: store.kv,
      defaults: { enabled: cfg().heartbeat.enabled, intervalMs: cfg().heartbeat.intervalMs },
      summary: () => {
        const ch = this.channels.summary();
        return {
          uptimeMs: clock.now() - this.startedAtMs,
          connections: this.hub.connectionCount,
          channelsConnected: ch.connected,
          channelsTotal: ch.total,
        };
      },
    }));
    const nodes = (this.nodes = new NodeService({
      store,
      bus,
      clock,
      audit,
      log,
      requestTtlMs: () => cfg().pairing.requestTtlMs,
      denyCommands: () => cfg().nodes.denyCommands,
      defaultInvokeTimeoutMs: () => cfg().nodes.invokeTimeoutMs,
      remoteInvoke: options.cluster
        ? (params) => this.cluster!.remoteInvoke(params, cfg().nodes.invokeTimeoutMs)
        : undefined,
    }));
    const sessions = (this.sessions = new SessionRouter({
      store,
      bus,
      clock,
      log: log.child({ component: 'sessions' }),
      responder: options.responder ?? configuredResponder(cfg, options.stateDir),
      settings: runSettings(cfg),
      deliver: (target, text, sessionKey) => this.channels.deliverReply(target, text, sessionKey),
    }));
    const channels = (this.channels = new ChannelManager({
      store,
      clock,
      log: log.child({ component: 'channels' }),
      outboxLog: log.child({ component: 'outbox' }),
      providers: options.providers ?? [],
      config: () => cfg().channels as Record<string, unknown>,
      stateDir: options.stateDir ?? '.',
      gatewayId: this.#gatewayId,
      sessions: () => sessions,
      webhooks: options.webhooks,
      ...options.channelTuning,
      onStatusChange: () => this.reports.noteHealthChanged(),
      onLogin: (state) => bus.publish('web.login', state),
      ...(options.onChannelSecrets ? { onSecrets: options.onChannelSecrets } : {}),
      ...(options.cluster
        ? { onEnqueue: (id: string, ch: string, acct: string) => this.cluster?.announceOutbox(id, ch, acct) }
        : {}),
    }));
    const reports = (this.reports = new HealthReporter({
      clock,
      log,
      bus,
      config: cfg,
      version: this.version,
      bootId: this.bootId,
      startedAtMs: this.startedAtMs,
      presenceVersion: () => presence.version,
      heartbeatSeconds: () => heartbeat.intervalSeconds,
      channels,
      store,
      limiter,
      listen: options.listen,
      lifecycle: () => ({ started: this.#started, closed: this.#closed, draining: this.#draining }),
    }));
    reports.addReadinessCheck({ name: 'store', check: () => storeHealth.readiness() });
    reports.addReadinessCheck(channelReadiness(channels));
    this.cron = new CronService({
      store,
      bus,
      clock,
      log: log.child({ component: 'cron' }),
      enabled: () => cfg().cron.enabled,
      timers: options.cronTimers ?? true,
      ...(options.cluster
        ? cronLeadership({
            store,
            clock,
            gatewayId: this.#gatewayId,
            leaseTtlMs: () => cfg().cluster.leaseTtlMs,
          })
        : {}),
      ...cronActions({ sessions, channels }),
    });
    this.cluster = options.cluster
      ? joinCluster(options.cluster, { bus, log, nodes, channels, presence, reports })
      : undefined;
    router.register(
      createHandlers({
        reports,
        presenceList: () => (this.cluster ? this.cluster.presence() : presence.list()),
        heartbeat,
        bus,
        clock,
        log,
        logRing: options.logRing,
        store,
        pairing,
        nodes,
        config,
        audit,
        cron: this.cron,
        sessions,
        channels,
      }),
    );
    for (const table of options.handlers ?? []) router.register(table);
    this.#hello = new HelloOkBuilder({
      clock,
      config: cfg,
      version: this.version,
      bootId: this.bootId,
      startedAtMs: this.startedAtMs,
      methods: () => router.methods(),
      presence,
      health: () => reports.health(),
      stateVersion: () => reports.stateVersion(),
    });
    this.hub = new ConnectionHub({
      clock,
      log,
      metrics,
      config: cfg,
      authenticator,
      hello: this.#hello,
      bus,
      presence,
      nodes,
      router,
      lifecycle: () => ({ draining: this.#draining, closed: this.#closed }),
    });
    this.#ticker = new Ticker({ bus, clock, onTick: () => reports.noteHealthChanged() });
    this.#sweeper = new Sweeper({
      store,
      clock,
      log,
      config: cfg,
      expire: (now) => this.hub.sweep(now),
      sweeps: [() => pairing.sweep(), () => channels.sweep()],
    });
    config.onChange((change) => this.#onConfigChange(change.changed, change.origin));
  }

  /** Start timers. Idempotent. */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.heartbeat.start();
    await this.sessions.recoverInterrupted();
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
    this.#hello.invalidate();
  }

  addReadinessCheck(check: ReadinessCheck): void {
    this.reports.addReadinessCheck(check);
  }

  /** Ready only when the core is up and every contributor is up or explicitly degraded. */
  readiness(): ReturnType<HealthReporter['readiness']> {
    return this.reports.readiness();
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
    while (Date.now() < deadline && this.hub.busy) await new Promise((r) => setTimeout(r, 20));
    const code = options.restartExpectedMs !== undefined ? CloseCodes.SERVICE_RESTART : CloseCodes.GOING_AWAY;
    this.hub.closeAll(code, options.reason);
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
    await this.sessions.close();
    await this.channels.close();
    this.nodes.close();
    this.presence.close();
    this.reports.close();
    this.hub.closeAll(CloseCodes.GOING_AWAY, 'gateway closed');
    await this.lastSeen
      .flush()
      .catch((error: unknown) => this.log.warn({ err: error }, 'last-seen flush failed'));
    await this.store.close();
  }

  #onConfigChange(changed: string[], origin: string | undefined): void {
    const cfg = this.config.current;
    this.#hello.invalidate();
    this.#limiter.setPolicy(cfg.auth.rateLimit);
    if (changed.some((p) => p.startsWith('limits.tickIntervalMs')))
      this.#ticker.retune(cfg.limits.tickIntervalMs, this.hub.connectionCount > 0);
    if (changed.some((p) => p === 'auth.token' || p === 'auth.password' || p === 'auth.mode')) {
      this.hub.closeSharedSecretConnections('gateway auth changed', origin);
    }
    if (changed.some((p) => p.startsWith('logging.level'))) this.log.level = cfg.logging.level;
  }
}

/** Build and start a core. */
export async function createGatewayCore(options: GatewayCoreOptions): Promise<GatewayCore> {
  const core = new GatewayCore(options);
  await core.start();
  return core;
}
