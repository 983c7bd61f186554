import { readFile } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  attachSocket,
  type ChannelManagerOptions,
  type ChannelProvider,
  type ClusterLink,
  type ConfigManager,
  createGatewayCore,
  createLogger,
  GatewayCore,
  type HandlerTable,
  type Logger,
  LogRing,
  SecretScrubber,
  type SharedSecrets,
  type Store,
  systemClock,
} from '@openclaw/gateway-core';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { WebSocketServer } from 'ws';
import { BindError, type BindMode, isLoopbackAddress, resolveBindHost } from './bind.ts';
import { type ControlUiOptions, registerControlUi } from './control-ui.ts';
import { httpPeer, sendAuthFailure } from './http-auth.ts';
import { createMetrics } from './metrics.ts';
import { hasCredentialInQuery, originAllowed, peerOf } from './peer.ts';
import { registerSurfaces } from './surfaces.ts';
import { GATEWAY_VERSION } from './version.ts';
import { WEBHOOK_PREFIX, WebhookRoutes } from './webhooks.ts';

export interface BuildGatewayOptions {
  config: ConfigManager;
  store: Store;
  /** Effective shared secrets; read on every connect so config edits apply live. */
  secrets: () => SharedSecrets;
  /** Where log lines go (stdout in the daemon). */
  logDestination?: { write(line: string): void };
  log?: Logger;
  /** Extra method handlers composed into the core. */
  handlers?: HandlerTable[];
  /** WebSocket keepalive ping interval (default 30 s). */
  pingIntervalMs?: number;
  /** Folder served at /__openclaw__/canvas/ (with the A2UI host at /__openclaw__/a2ui/). */
  canvasDir?: string;
  /** Channel providers (accounts come from `channels` in config). */
  providers?: ChannelProvider[];
  /** The state dir (channel accounts keep their own state under it). */
  stateDir?: string;
  /** Stable id of this gateway (channel lease holder). */
  gatewayId?: string;
  /** Several gateways on one backend (Redis). */
  cluster?: ClusterLink;
  /** Lease, backoff and outbox tuning (tests). */
  channelTuning?: Pick<ChannelManagerOptions, 'leaseTtlMs' | 'backoff' | 'outboxRetry' | 'inDoubt'>;
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
}

/** Raw bytes a socket may send before hello-ok: a maximal connect frame plus framing slack. */
const PREAUTH_SOCKET_BUDGET = 256 * 1024;

export class StartupError extends Error {
  override name = 'StartupError';
}

const SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
  'content-security-policy':
    "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'self'",
};

/** Refuse a config that would expose the gateway without auth. */
export function checkExposure(bind: BindMode, host: string, authMode: string, secrets: SharedSecrets): void {
  const loopback = isLoopbackAddress(host);
  if (!loopback && authMode === 'none') {
    throw new StartupError(
      `refusing to listen on ${host} (bind ${bind}) with auth mode "none": anyone who can reach it would control the gateway. ` +
        'Use --auth token (a token is generated if you have none), or keep --bind loopback and reach it through an SSH tunnel.',
    );
  }
  if (authMode === 'token' && !secrets.token)
    throw new StartupError('auth mode "token" but no token is configured');
  if (authMode === 'password' && !secrets.password) {
    throw new StartupError(
      'auth mode "password" but no password is configured: pass --password or set OPENCLAW_GATEWAY_PASSWORD',
    );
  }
}

/**
 * The gateway app: config → logger → store → core → ws upgrade → health and metrics.
 * `listen()` is separate so tests can build, inject and listen on port 0.
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

  const webhooks = new WebhookRoutes();
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
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.gatewayId ? { gatewayId: options.gatewayId } : {}),
    ...(options.cluster ? { cluster: options.cluster } : {}),
    webhooks: webhooks.register,
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

  app.addHook('onRequest', async (req, reply) => {
    // Platform webhooks are the exception: some platforms (BlueBubbles) can only sign by query.
    if (!req.url.startsWith(WEBHOOK_PREFIX) && hasCredentialInQuery(req.url)) {
      reply.code(400).send({ error: 'credentials are not accepted in URLs; use the Authorization header' });
    }
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    // A route may set its own policy (the canvas allows inline scripts); otherwise the strict default.
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!reply.hasHeader(k)) reply.header(k, v);
    return payload;
  });

  // Every credential is checked in the core, behind its one limiter; here only the peer is
  // decided and outcomes become status codes.
  const peerOfRequest = (req: FastifyRequest) => httpPeer(req, config.current.gateway.trustedProxies);
  const surfaces = options.canvasDir
    ? await registerSurfaces(app, {
        canvasDir: options.canvasDir,
        log,
        auth: core.httpAuth,
        peer: peerOfRequest,
      })
    : undefined;

  webhooks.mount(app);
  if (options.controlUi !== false) registerControlUi(app, { log, ...options.controlUi });

  app.get('/healthz', async () => ({ ok: true, uptimeMs: Date.now() - core.startedAtMs }));
  app.get('/readyz', async (_req, reply) => {
    const r = core.readiness();
    reply.code(r.ready ? 200 : 503).send({ ready: r.ready, degraded: r.degraded, notReady: r.notReady });
  });
  app.get('/metrics', async (req, reply) => {
    const auth = await core.httpAuth.authenticate({
      peer: peerOfRequest(req),
      authorization: req.headers.authorization,
      audience: 'operator',
      surface: 'metrics',
    });
    if (!auth.ok) return sendAuthFailure(reply, auth, 'json');
    // Labels carry names only, but a secret must not leave through them even by accident.
    reply.header('content-type', registry.contentType).send(scrubber.scrub(await registry.metrics()));
  });

  const wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: cfg.limits.maxPayload,
    clientTracking: true,
  });
  const alive = new WeakSet<object>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = req.url ?? '/';
    const path = url.split('?')[0];
    if (path !== '/' && path !== '/ws') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (hasCredentialInQuery(url)) {
      socket.end(
        'HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\ncredentials are not accepted in URLs\n',
      );
      return;
    }
    const current = config.current;
    // Bound what an unauthenticated peer can make us buffer: count raw bytes until hello-ok.
    let preauthBytes = head.length;
    const guard = (chunk: Buffer) => {
      preauthBytes += chunk.length;
      if (preauthBytes > PREAUTH_SOCKET_BUDGET) {
        log.warn('a connection exceeded the pre-auth byte budget');
        socket.destroy();
      }
    };
    socket.on('data', guard);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const peer = peerOf(req, current.gateway.trustedProxies);
      const rejected = !originAllowed(peer.origin, req.headers.host, current.gateway.allowedOrigins);
      alive.add(ws);
      ws.on('pong', () => alive.add(ws));
      // Once the handshake is done the guard goes, and with it everything it holds (the request).
      attachSocket(
        core,
        ws,
        { ...peer, originRejected: rejected },
        { onReady: () => socket.off('data', guard) },
      );
    });
  };
  app.server.on('upgrade', onUpgrade);

  const pingTimer = setInterval(() => {
    for (const ws of wss.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, options.pingIntervalMs ?? 30_000);
  pingTimer.unref();

  let closed = false;
  const gateway: Gateway = {
    app,
    core,
    log,
    scrubber,
    async listen() {
      const c = config.current;
      let host: string;
      try {
        host = resolveBindHost(c.gateway.bind, c.gateway.host);
      } catch (error) {
        if (error instanceof BindError) throw new StartupError(error.message);
        throw error;
      }
      checkExposure(c.gateway.bind, host, c.auth.mode, options.secrets());
      await app.listen({ host, port: c.gateway.port });
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
      clearInterval(pingTimer);
      surfaces?.close();
      app.server.off('upgrade', onUpgrade);
      const shutdown: { reason: string; restartExpectedMs?: number; drainMs?: number } = {
        reason: opts.reason ?? 'gateway stopping',
      };
      if (opts.restartExpectedMs !== undefined) shutdown.restartExpectedMs = opts.restartExpectedMs;
      if (opts.drainMs !== undefined) shutdown.drainMs = opts.drainMs;
      await core.shutdown(shutdown);
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await app.close();
      log.info('gateway stopped');
    },
  };
  return gateway;
}

export { GatewayCore };
