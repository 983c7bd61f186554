import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { attachSocket, type ConfigManager, type GatewayCore, type Logger } from '@openclaw/gateway-core';
import fp from 'fastify-plugin';
import { WebSocketServer } from 'ws';
import { hasCredentialInQuery, originAllowed, peerOf } from '../peer.ts';

/** Raw bytes a socket may send before hello-ok: a maximal connect frame plus framing slack. */
const PREAUTH_SOCKET_BUDGET = 256 * 1024;

export interface WsUpgradeOptions {
  core: GatewayCore;
  /** Read per upgrade (trusted proxies, allowed origins), so a config change applies at once. */
  config: ConfigManager;
  log: Logger;
  /** WebSocket keepalive ping interval (default 30 s). */
  pingIntervalMs?: number | undefined;
}

/** What the plugin adds to the app (`app.websockets`). */
export interface WebSockets {
  /**
   * Take no more sockets (before the core drains): a later upgrade reaches the HTTP routes,
   * which refuse it. The sockets still open are closed when the app closes.
   */
  stopAccepting(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    websockets: WebSockets;
  }
}

/**
 * The gateway protocol's WebSocket on `/` (and `/ws`): the socket server (`ws`, noServer) under
 * fastify's HTTP server, the origin check, the peer address, the pre-auth byte budget and
 * keepalive pings; each socket is handed to the core. Closing the app terminates what is left.
 */
export const wsUpgrade = fp<WsUpgradeOptions>(
  async (app, o) => {
    const { core, config, log } = o;
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: config.current.limits.maxPayload,
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
      // The 101 answer and the challenge the core sends at once leave in one write (one system
      // call and one segment instead of two): ws completes this upgrade synchronously.
      socket.cork();
      try {
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
      } finally {
        socket.uncork();
      }
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
    }, o.pingIntervalMs ?? 30_000);
    pingTimer.unref();

    const stopAccepting = () => {
      clearInterval(pingTimer);
      app.server.off('upgrade', onUpgrade);
    };
    app.decorate('websockets', { stopAccepting } satisfies WebSockets);
    // Open sockets would keep the HTTP server from closing.
    app.addHook('preClose', async () => {
      stopAccepting();
      for (const ws of wss.clients) ws.terminate();
      wss.close();
    });
  },
  { name: 'openclaw-ws-upgrade', fastify: '5.x' },
);
