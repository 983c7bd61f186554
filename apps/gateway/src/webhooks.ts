import type { WebhookRegistrar } from '@openclaw/gateway-core';
import type { FastifyInstance } from 'fastify';

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

  mount(app: FastifyInstance): void {
    void app.register(async (scope) => {
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_req, body, done) =>
        done(null, body),
      );
      scope.post(`${WEBHOOK_PREFIX}*`, async (req, reply) => {
        const path = req.url.split('?')[0] ?? '';
        const handler = this.#routes.get(path);
        if (!handler) return reply.code(404).send({ error: 'no such webhook' });
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const res = await handler({ headers: req.headers, body, url: req.url });
        if (res.headers) for (const [k, v] of Object.entries(res.headers)) reply.header(k, v);
        return reply.code(res.status).send(res.body ?? null);
      });
    });
  }
}
