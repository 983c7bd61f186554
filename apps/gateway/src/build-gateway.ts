import { readFile } from 'node:fs/promises';
import {
  type ChannelProvider,
  type ChannelTuning,
  type ClusterLink,
  type ConfigManager,
  createGatewayCore,
  createLogger,
  GatewayCore,
  type HandlerOverrides,
  type Logger,
  LogRing,
  SecretScrubber,
  type SharedSecrets,
  type Store,
  systemClock,
} from '@openclaw/gateway-core';
import Fastify, { type FastifyInstance } from 'fastify';
import { type BindMode, isLoopbackAddress, resolveBindHost } from './bind.ts';
import { createMetrics } from './metrics.ts';
import { type ControlUiOptions, controlUi } from './plugins/control-ui.ts';
import { health } from './plugins/health.ts';
import { httpAuth } from './plugins/http-auth.ts';
import { mediaRoute } from './plugins/media.ts';
import { metricsEndpoint } from './plugins/metrics-endpoint.ts';
import { securityHeaders } from './plugins/security-headers.ts';
import { surfaces } from './plugins/surfaces.ts';
import { WebhookRoutes, webhooks } from './plugins/webhooks.ts';
import { wsUpgrade } from './plugins/ws-upgrade.ts';
import { StartupError } from './startup-error.ts';
import { GATEWAY_VERSION } from './version.ts';

export interface BuildGatewayOptions {
  config: ConfigManager;
  store: Store;
  /** Effective shared secrets; read on every connect so config edits apply live. */
  secrets: () => SharedSecrets;
  /** Where log lines go (stdout in the daemon). */
  logDestination?: { write(line: string): void };
  log?: Logger;
  /** Extra method handlers composed into the core. */
  handlers?: HandlerOverrides[];
  /** WebSocket keepalive ping interval (default 30 s). */
  pingIntervalMs?: number;
  /** Folder served at /__openclaw__/canvas/ (with the A2UI host at /__openclaw__/a2ui/). */
  canvasDir?: string;
  /** Channel providers (accounts come from `channels` in config). */
  providers?: ChannelProvider[];
  /** A channel's provider when the config starts naming it while running. */
  resolveProvider?: (channel: string) => ChannelProvider | undefined;
  /** The state dir (channel accounts keep their own state under it). */
  stateDir?: string;
  /** Stable id of this gateway (channel lease holder). */
  gatewayId?: string;
  /** Several gateways on one backend (Redis). */
  cluster?: ClusterLink;
  /** Lease, backoff and outbox tuning (tests). */
  channelTuning?: ChannelTuning;
  /** The Control UI at `/` (default on); `false` serves nothing there. */
  controlUi?: Omit<ControlUiOptions, 'log'> | false;
}

export interface Gateway {
  readonly app: FastifyInstance;
  readonly core: GatewayCore;
  readonly log: Logger;
  readonly scrubber: SecretScrubber;
  /** Listen on the configured bind and port. Resolves with the bound address. */
  listen(): Promise<{ host: string; port: number; url: string }>;
  /** Shutdown event, drain, close sockets and the store. */
  close(options?: { reason?: string; restartExpectedMs?: number; drainMs?: number }): Promise<void>;
  /** The step `close` is in (what a stop that hangs reports). */
  closeStage(): string;
}

/** Refuse a config that would expose the gateway without auth. */
export function checkExposure(bind: BindMode, host: string, authMode: string, secrets: SharedSecrets): void {
  const loopback = isLoopbackAddress(host);
  if (!loopback && authMode === 'none') {
    throw new StartupError(
      'EXPOSURE_REFUSED',
      `refusing to listen on ${host} (bind ${bind}) with auth mode "none": anyone who can reach it would control the gateway. ` +
        'Use --auth token (a token is generated if you have none), or keep --bind loopback and reach it through an SSH tunnel.',
    );
  }
  if (authMode === 'token' && !secrets.token)
    throw new StartupError('AUTH_SECRET_MISSING', 'auth mode "token" but no token is configured');
  if (authMode === 'password' && !secrets.password) {
    throw new StartupError(
      'AUTH_SECRET_MISSING',
      'auth mode "password" but no password is configured: pass --password or set OPENCLAW_GATEWAY_PASSWORD',
    );
  }
}

/**
 * The gateway app: config → logger → store → core → ws upgrade → static/canvas → health and
 * metrics. `listen()` is separate so tests can build, inject and listen on port 0.
 */
export async function buildGateway(options: BuildGatewayOptions): Promise<Gateway> {
  const config = options.config;
  const cfg = config.current;
  const scrubber = new SecretScrubber();
  // What the scrubber knows: the shared secrets, every value the config schema marks secret
  // (channel tokens included), and what channel accounts resolved from env or token files.
  let channelSecrets: string[] = [];
  const refreshScrubber = () => {
    const s = options.secrets();
    scrubber.set([s.token, s.password, ...config.secretValues(), ...channelSecrets]);
  };
  refreshScrubber();
  const ring = new LogRing(cfg.logging.ringSize);
  const log =
    options.log ??
    createLogger({ level: cfg.logging.level, ring, scrubber, destination: options.logDestination });
  const { registry, sink } = createMetrics();
  let listenInfo = { bind: cfg.gateway.bind as string, host: '', port: 0, tls: Boolean(cfg.gateway.tls) };

  const webhookRoutes = new WebhookRoutes();
  const core = await createGatewayCore({
    config,
    store: options.store,
    log,
    logRing: ring,
    clock: systemClock,
    version: GATEWAY_VERSION,
    secrets: options.secrets,
    listen: () => listenInfo,
    metrics: sink,
    handlers: options.handlers ?? [],
    providers: options.providers ?? [],
    ...(options.resolveProvider ? { resolveProvider: options.resolveProvider } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.gatewayId ? { gatewayId: options.gatewayId } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    webhooks: webhookRoutes.register,
    ...(options.channelTuning ? { channelTuning: options.channelTuning } : {}),
    onChannelSecrets: (values) => {
      channelSecrets = values;
      refreshScrubber();
    },
  });
  config.onChange(() => refreshScrubber());

  const https = cfg.gateway.tls
    ? { cert: await readFile(cfg.gateway.tls.certPath), key: await readFile(cfg.gateway.tls.keyPath) }
    : undefined;
  const app = Fastify({
    logger: false,
    bodyLimit: 1024 * 1024,
    ...(https ? { https } : {}),
  }) as unknown as FastifyInstance;

  // The HTTP side, one plugin per job (src/plugins), loaded in this order. A new route is a
  // plugin registered here; one that needs a credential depends on `openclaw-http-auth` and
  // guards its routes with `app.httpAuth.require(…)`.
  app.register(securityHeaders);
  app.register(httpAuth, {
    authenticator: core.httpAuth,
    trustedProxies: () => config.current.gateway.trustedProxies,
  });
  app.register(wsUpgrade, { core, config, log, pingIntervalMs: options.pingIntervalMs });
  if (options.canvasDir) app.register(surfaces, { canvasDir: options.canvasDir, log });
  if (options.controlUi !== false) app.register(controlUi, { log, ...options.controlUi });
  app.register(webhooks, { routes: webhookRoutes });
  app.register(mediaRoute, { media: core.media });
  app.register(health, { core });
  app.register(metricsEndpoint, { registry, scrubber });
  try {
    await app.ready();
  } catch (error) {
    // A plugin that cannot load (the canvas folder cannot be made) fails the build, not the listen.
    await core.shutdown({ reason: 'startup failed', drainMs: 0 });
    throw error;
  }

  let closed = false;
  let closeStage = 'open';
  const gateway: Gateway = {
    app,
    core,
    log,
    scrubber,
    closeStage: () => closeStage,
    async listen() {
      const c = config.current;
      const host = resolveBindHost(c.gateway.bind, c.gateway.host);
      checkExposure(c.gateway.bind, host, c.auth.mode, options.secrets());
      try {
        await app.listen({ host, port: c.gateway.port });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error;
        throw new StartupError(
          'PORT_IN_USE',
          `port ${c.gateway.port} is already in use; pick another with --port or stop what holds it`,
          { cause: error },
        );
      }
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : c.gateway.port;
      listenInfo = { bind: c.gateway.bind, host, port, tls: Boolean(https) };
      const shownHost = host === '0.0.0.0' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
      const url = `${https ? 'wss' : 'ws'}://${shownHost}:${port}`;
      log.info(
        { host, port, bind: c.gateway.bind, auth: c.auth.mode, tls: Boolean(https) },
        'gateway listening',
      );
      return { host, port, url };
    },
    async close(opts = {}) {
      if (closed) return;
      closed = true;
      app.websockets.stopAccepting();
      const shutdown: { reason: string; restartExpectedMs?: number; drainMs?: number } = {
        reason: opts.reason ?? 'gateway stopping',
      };
      if (opts.restartExpectedMs !== undefined) shutdown.restartExpectedMs = opts.restartExpectedMs;
      if (opts.drainMs !== undefined) shutdown.drainMs = opts.drainMs;
      closeStage = 'draining clients, then closing runs, channels and the store';
      await core.shutdown(shutdown);
      // Plugins release what they hold in preClose: the sockets left, live-reload streams.
      closeStage = 'closing the HTTP server';
      await app.close();
      closeStage = 'closed';
      log.info('gateway stopped');
    },
  };
  return gateway;
}

export { GatewayCore };
