import {
  CloseCodes,
  type ConnectParams,
  type EventPayload,
  type GatewayConfig,
  type GatewayError,
  type HelloOk,
} from '@openclaw/protocol';
import type { Authenticator } from '../auth/authenticator.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../logging/logger.ts';
import type { CoreMetricsSink } from '../metrics/core-metrics.ts';
import type { NodeService } from '../nodes/node-service.ts';
import type { PresenceRegistry } from '../presence/presence.ts';
import type { Clock } from '../util/clock.ts';
import { newId } from '../util/ids.ts';
import { Connection, type ConnectionHost, type RequestSink } from './connection.ts';
import { HelloOkBuilder, type HelloOkOptions } from './hello-ok.ts';
import { RetainedStreams } from './retained-streams.ts';
import type { PeerInfo, Transport } from './transport.ts';

export interface DrainOptions {
  reason: string;
  restartExpectedMs?: number;
  /** How long in-flight requests may take to finish (default 5 s). */
  drainMs?: number;
}

/** What the socket layer holds for one accepted socket. */
export interface ConnectionHandle {
  /** A text frame; `size` is its length in bytes. */
  message(text: string, size: number): void;
  binary(): void;
  closed(code: number, reason: string): void;
  readonly connection: Connection;
}

export interface ConnectionHubOptions
  extends Pick<HelloOkOptions, 'gateway' | 'methods' | 'health' | 'stateVersion'> {
  clock: Clock;
  log: Logger;
  metrics: CoreMetricsSink;
  config: () => GatewayConfig;
  authenticator: Authenticator;
  bus: EventBus;
  presence: PresenceRegistry;
  nodes: Pick<NodeService, 'connected' | 'disconnected'>;
  /** Where ready connections send their requests. */
  router: RequestSink;
  /** Set while the core drains or after it closed: new sockets are turned away. */
  lifecycle: () => { draining: boolean; closed: boolean };
}

/**
 * Every socket the core was handed, from challenge to close: accepts them (within the connection
 * limit), runs the handshake's bookkeeping (authentication, resume, hello-ok), puts ready
 * connections on the bus and in presence, keeps dropped streams for resume, and closes
 * connections whose credentials go away.
 */
export class ConnectionHub implements ConnectionHost {
  readonly clock: Clock;
  readonly log: Logger;
  readonly #o: ConnectionHubOptions;
  readonly #all = new Set<Connection>();
  readonly #retained: RetainedStreams;
  readonly #hello: HelloOkBuilder;

  constructor(options: ConnectionHubOptions) {
    this.#o = options;
    this.clock = options.clock;
    this.log = options.log;
    this.#retained = new RetainedStreams(options.bus);
    this.#hello = new HelloOkBuilder(options);
  }

  /** The methods or the config changed: hello-ok's cached parts are rebuilt on the next connect. */
  helloChanged(): void {
    this.#hello.invalidate();
  }

  /** Hand a new socket to the core. The challenge goes out at once. */
  accept(transport: Transport, peer: PeerInfo): ConnectionHandle {
    const conn = new Connection(newId('conn'), transport, peer, this, this.#o.router);
    this.#all.add(conn);
    this.#o.metrics.connectionOpened();
    const life = this.#o.lifecycle();
    if (life.draining || life.closed) {
      conn.close(CloseCodes.SERVICE_RESTART, 'gateway shutting down');
    } else if (this.#all.size > this.#o.config().limits.maxConnections) {
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
    for (const c of this.#o.bus.connections()) if (c.state === 'ready') yield c;
  }

  /** Open, authenticated connections. */
  get connectionCount(): number {
    let n = 0;
    for (const c of this.#o.bus.connections()) if (c.state === 'ready') n++;
    return n;
  }

  /** True while some connection has a request in flight (a drain waits for them). */
  get busy(): boolean {
    for (const c of this.#all) if (c.inFlight > 0) return true;
    return false;
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
    this.#retained.releaseDevice(match.deviceId);
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
   * Sockets that authenticated with the shared secret (or none) lose it when it changes. The
   * socket that made the change (`origin`, a connId) hears that it succeeded before it is closed.
   */
  closeSharedSecretConnections(reason: string, origin?: string): void {
    for (const c of [...this.connections()]) {
      if (c.session?.authKind === 'shared-secret' || c.session?.authKind === 'none') {
        if (c.connId === origin) c.closeWhenAnswered(CloseCodes.CREDENTIALS_REVOKED, reason);
        else c.close(CloseCodes.CREDENTIALS_REVOKED, reason);
      }
    }
  }

  /** Close every socket, ready or not. */
  closeAll(code: number, reason: string): void {
    for (const c of [...this.#all]) c.close(code, reason);
  }

  /**
   * Tell clients the gateway is going away, let in-flight requests finish within `drainMs`, then
   * close every socket (1012 when a restart is expected, else 1001).
   */
  async drain(options: DrainOptions): Promise<void> {
    const payload: EventPayload<'shutdown'> = { reason: options.reason };
    if (options.restartExpectedMs !== undefined) payload.restartExpectedMs = options.restartExpectedMs;
    this.#o.bus.publish('shutdown', payload, { replayable: false });
    const deadline = Date.now() + (options.drainMs ?? 5000);
    while (Date.now() < deadline && this.busy) await new Promise((r) => setTimeout(r, 20));
    const code = options.restartExpectedMs !== undefined ? CloseCodes.SERVICE_RESTART : CloseCodes.GOING_AWAY;
    this.closeAll(code, options.reason);
  }

  /** Drop retained streams whose replay window has passed. */
  sweep(now: number): void {
    this.#retained.sweep(now);
  }

  // ── ConnectionHost ──────────────────────────────────────────────────────────

  handshakeTimeoutMs(): number {
    return this.#o.config().limits.handshakeTimeoutMs;
  }

  maxPayload(): number {
    return this.#o.config().limits.maxPayload;
  }

  maxBufferedBytes(): number {
    return this.#o.config().limits.maxBufferedBytes;
  }

  replayMaxEvents(): number {
    const limits = this.#o.config().limits;
    return limits.replayWindowMs > 0 ? limits.replayMaxEvents : 0;
  }

  async authenticate(conn: Connection, params: ConnectParams): Promise<string> {
    const { session, issued } = await this.#o.authenticator.authenticate(conn, params);
    const now = this.clock.now();
    const resume =
      params.resume && session.deviceId
        ? this.#retained.take(
            params.resume.connId,
            session.deviceId,
            params.resume.lastSeq,
            now,
            tickHead(now),
          )
        : undefined;
    conn.askedToResume = params.resume !== undefined;
    conn.establish(session, resume);
    const auth: HelloOk['auth'] = { role: session.role, scopes: [...session.scopes] };
    if (issued) {
      auth.deviceToken = issued.token;
      auth.issuedAtMs = issued.issuedAtMs;
    }
    return this.#hello.json(session.protocol, conn.connId, auth);
  }

  onReady(conn: Connection): void {
    const s = conn.session!;
    this.#o.metrics.handshake('ok');
    // Replayed frames first, so nothing live can overtake them.
    const replay = conn.takePendingReplay();
    if (replay) for (const frame of replay) conn.sendRaw(frame);
    this.#o.bus.add(conn);
    this.#o.presence.add(conn);
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
      this.#o.nodes
        .connected(conn)
        .catch((error: unknown) =>
          this.log.error({ err: error, connId: conn.connId }, 'node registration failed'),
        );
    }
    // A client that asked to resume learns from its first seq whether it got the old stream back.
    if (conn.askedToResume) conn.sendEvent(tickHead(this.clock.now()), false);
  }

  onClosed(conn: Connection, code: number, reason: string): void {
    if (!this.#all.delete(conn)) return;
    this.#o.metrics.connectionClosed();
    const s = conn.session;
    if (!s) return;
    this.#o.presence.remove(conn);
    if (s.role === 'node') {
      this.#o.nodes
        .disconnected(conn)
        .catch((error: unknown) => this.log.warn({ err: error }, 'node bookkeeping failed'));
    }
    const windowMs = this.#o.config().limits.replayWindowMs;
    // A closed connection stays on the bus for the replay window, recording what its client misses.
    if (
      s.deviceId &&
      windowMs > 0 &&
      !this.#o.lifecycle().closed &&
      code !== CloseCodes.CREDENTIALS_REVOKED &&
      conn.detach()
    ) {
      this.#retained.retain(conn, { ...s, deviceId: s.deviceId }, this.clock.now() + windowMs);
    } else {
      this.#o.bus.delete(conn);
    }
    this.log.info(
      { connId: conn.connId, peer: conn.peer.remoteAddress, clientId: s.clientId, code, reason },
      'client disconnected',
    );
  }

  onSlowConsumer(conn: Connection): void {
    this.#o.metrics.slowConsumer();
    this.log.warn({ connId: conn.connId, peer: conn.peer.remoteAddress }, 'slow consumer cut off');
  }

  onHandshakeFailed(conn: Connection, error: GatewayError): void {
    this.#o.metrics.handshake('failed', error.detailCode ?? error.code);
    this.log.warn(
      { connId: conn.connId, peer: conn.peer.remoteAddress, code: error.code, detail: error.detailCode },
      'connect rejected',
    );
  }
}

/** A tick frame's head, the filler for replay gaps and the first event of a resumed stream. */
function tickHead(ts: number): string {
  return `{"type":"event","event":"tick","payload":{"ts":${ts}}`;
}
