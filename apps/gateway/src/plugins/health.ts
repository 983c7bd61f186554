import type { GatewayCore } from '@openclaw/gateway-core';
import fp from 'fastify-plugin';

export interface HealthOptions {
  core: Pick<GatewayCore, 'startedAtMs' | 'readiness'>;
}

/**
 * `/healthz` (the process answers) and `/readyz` (503 until every readiness contributor is up; a
 * degraded one is named and still ready). No credential: probes and load balancers call them.
 */
export const health = fp<HealthOptions>(
  async (app, { core }) => {
    app.get('/healthz', async () => ({ ok: true, uptimeMs: Date.now() - core.startedAtMs }));
    app.get('/readyz', async (_req, reply) => {
      const r = core.readiness();
      reply.code(r.ready ? 200 : 503).send({ ready: r.ready, degraded: r.degraded, notReady: r.notReady });
    });
  },
  { name: 'openclaw-health', fastify: '5.x', encapsulate: true },
);
