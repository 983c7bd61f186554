import type { AuthPeer, HttpAuthFailure } from '@openclaw/gateway-core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { peerOf } from './peer.ts';

/** The peer of an HTTP request, decided exactly as for a WebSocket upgrade (trusted proxies included). */
export function httpPeer(req: FastifyRequest, trustedProxies: readonly string[]): AuthPeer {
  const { remoteAddress, isLoopback } = peerOf(req.raw, trustedProxies);
  return { remoteAddress, isLoopback };
}

/**
 * The HTTP answer to a refused credential: 429 with Retry-After while the client is locked out
 * or throttled, 403 for a credential without the access, else 401 asking for a Bearer.
 */
export function sendAuthFailure(
  reply: FastifyReply,
  f: HttpAuthFailure,
  body: 'json' | 'text',
): FastifyReply {
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
