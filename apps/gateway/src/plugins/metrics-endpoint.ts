import type { SecretScrubber } from '@openclaw/gateway-core';
import fp from 'fastify-plugin';
import type { Registry } from 'prom-client';

export interface MetricsEndpointOptions {
  registry: Registry;
  scrubber: SecretScrubber;
}

/** `/metrics` for Prometheus, to operators only (the gateway token or an operator device token). */
export const metricsEndpoint = fp<MetricsEndpointOptions>(
  async (app, { registry, scrubber }) => {
    const preHandler = app.httpAuth.require({ audience: 'operator', surface: 'metrics', body: 'json' });
    app.get('/metrics', { preHandler }, async (_req, reply) => {
      // Labels carry names only, but a secret must not leave through them even by accident.
      reply.header('content-type', registry.contentType).send(scrubber.scrub(await registry.metrics()));
    });
  },
  { name: 'openclaw-metrics', fastify: '5.x', encapsulate: true, dependencies: ['openclaw-http-auth'] },
);
