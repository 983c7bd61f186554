import {
  type AuthPeer,
  CANVAS_SESSION_COOKIE,
  type HttpAudience,
  type HttpAuthenticator,
  type HttpAuthFailure,
} from '@openclaw/gateway-core';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { hasCredentialInQuery, peerOf } from '../peer.ts';
import { WEBHOOK_PREFIX } from './webhooks.ts';

export interface HttpAuthOptions {
  /** The core's HTTP authenticator: every credential is checked there, behind its one limiter. */
  authenticator: HttpAuthenticator;
  /** Read per request, so a config change applies at once. */
  trustedProxies: () => readonly string[];
}

/** Who may reach a route, and how a refusal reads (JSON for APIs, plain text for pages). */
export interface HttpAuthGuard {
  audience: HttpAudience;
  /** Which surface asks (audit log): canvas, a2ui, metrics… */
  surface: string;
  body: 'json' | 'text';
}

/** What the plugin adds to the app (`app.httpAuth`) for the routes that need a credential. */
export interface HttpAuth {
  /** A preHandler that lets a request through only with a credential for the guard's audience. */
  require(guard: HttpAuthGuard): preHandlerAsyncHookHandler;
  /**
   * Exchange the request's Bearer credential for a canvas session cookie. True when the cookie
   * is set; otherwise the refusal has been sent.
   */
  openSession(req: FastifyRequest, reply: FastifyReply, surface: string): Promise<boolean>;
}

declare module 'fastify' {
  interface FastifyInstance {
    httpAuth: HttpAuth;
  }
}

/**
 * HTTP credentials: refused in URLs on every route (they end up in logs and browser history),
 * and checked by the core's authenticator for the routes that ask. Here only the peer is decided
 * (as for a WebSocket upgrade) and outcomes become status codes.
 */
export const httpAuth = fp<HttpAuthOptions>(
  async (app, o) => {
    app.addHook('onRequest', async (req, reply) => {
      // Platform webhooks are the exception: some platforms (BlueBubbles) can only sign by query.
      if (!req.url.startsWith(WEBHOOK_PREFIX) && hasCredentialInQuery(req.url)) {
        reply.code(400).send({ error: 'credentials are not accepted in URLs; use the Authorization header' });
      }
    });

    const peer = (req: FastifyRequest): AuthPeer => {
      const { remoteAddress, isLoopback } = peerOf(req.raw, o.trustedProxies());
      return { remoteAddress, isLoopback };
    };

    app.decorate('httpAuth', {
      require(guard: HttpAuthGuard): preHandlerAsyncHookHandler {
        return async (req, reply) => {
          const auth = await o.authenticator.authenticate({
            peer: peer(req),
            authorization: req.headers.authorization,
            cookie: req.headers.cookie,
            audience: guard.audience,
            surface: guard.surface,
          });
          if (!auth.ok) return sendAuthFailure(reply, auth, guard.body);
        };
      },
      async openSession(req: FastifyRequest, reply: FastifyReply, surface: string): Promise<boolean> {
        const r = await o.authenticator.openSession({
          peer: peer(req),
          authorization: req.headers.authorization,
          surface,
        });
        if (!r.ok) {
          sendAuthFailure(reply, r, 'json');
          return false;
        }
        const secure = req.protocol === 'https' ? '; Secure' : '';
        reply.header(
          'set-cookie',
          `${CANVAS_SESSION_COOKIE}=${r.sessionId}; HttpOnly; SameSite=Strict; Path=/__openclaw__/; Max-Age=${r.maxAgeMs / 1000}${secure}`,
        );
        return true;
      },
    } satisfies HttpAuth);
  },
  { name: 'openclaw-http-auth', fastify: '5.x' },
);

/**
 * The HTTP answer to a refused credential: 429 with Retry-After while the client is locked out
 * or throttled, 403 for a credential without the access, else 401 asking for a Bearer.
 */
function sendAuthFailure(reply: FastifyReply, f: HttpAuthFailure, body: 'json' | 'text'): FastifyReply {
  const [status, message] =
    f.reason === 'rate-limited'
      ? [429, 'too many failed attempts']
      : f.reason === 'forbidden'
        ? [403, 'this credential does not give access here']
        : [401, 'authentication required'];
  reply.code(status);
  if (f.reason === 'rate-limited')
    reply.header('retry-after', String(Math.max(1, Math.ceil(f.retryAfterMs / 1000))));
  else if (status === 401) reply.header('www-authenticate', 'Bearer');
  return body === 'json'
    ? reply.send({ error: message })
    : reply.type('text/plain; charset=utf-8').send(`${message}\n`);
}
