import type { WebhookRegistrar } from '@openclaw/gateway-core';
import fp from 'fastify-plugin';

type Handler = Parameters<WebhookRegistrar>[1];

/** Where platforms post (Telegram webhook, Slack Events API). Each route checks its own platform secret. */
export const WEBHOOK_PREFIX = '/channels/';

/**
 * Routes channel adapters mount while they run. Requests are matched by exact path; the body
 * reaches the handler as raw bytes because signatures are computed over them.
 */
export class WebhookRoutes {
  readonly #routes = new Map<string, Handler>();

  readonly register: WebhookRegistrar = (path, handler) => {
    if (!path.startsWith(WEBHOOK_PREFIX)) throw new Error(`webhook paths must start with ${WEBHOOK_PREFIX}`);
    if (this.#routes.has(path)) throw new Error(`webhook path already in use: ${path}`);
    this.#routes.set(path, handler);
    return () => {
      if (this.#routes.get(path) === handler) this.#routes.delete(path);
    };
  };

  /** The handler mounted at `path`, if an adapter holds it. */
  get(path: string): Handler | undefined {
    return this.#routes.get(path);
  }
}

/**
 * `POST /channels/*`: platform webhooks, each answered by the adapter that mounted its path.
 * Encapsulated, because the body must stay raw bytes here and nowhere else.
 */
export const webhooks = fp<{ routes: WebhookRoutes }>(
  async (scope, o) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
      done(null, body),
    );
    scope.post(`${WEBHOOK_PREFIX}*`, async (req, reply) => {
      const path = req.url.split('?')[0] ?? '';
      const handler = o.routes.get(path);
      if (!handler) return reply.code(404).send({ error: 'no such webhook' });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const res = await handler({ headers: req.headers, body, url: req.url });
      if (res.headers) for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
      return reply.code(res.status).send(res.body ?? null);
    });
  },
  { name: 'openclaw-webhooks', fastify: '5.x', encapsulate: true },
);
