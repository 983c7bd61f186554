import type { CoreMetricsSink } from '@openclaw/gateway-core';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** Every metric this gateway exports starts with this, once. */
export const METRIC_PREFIX = 'openclaw_';

/** The gateway's Prometheus registry and the sink the core reports into. */
export function createMetrics(): { registry: Registry; sink: CoreMetricsSink } {
  const registry = new Registry();
  // prom-client's own names already say what they are (process_cpu_…, nodejs_eventloop_…): the
  // prefix only puts them under openclaw_, never doubled (openclaw_process_process_… was).
  collectDefaultMetrics({
    register: registry,
    prefix: METRIC_PREFIX,
    eventLoopMonitoringPrecision: 20,
  });
  const connections = new Gauge({
    name: 'openclaw_connections',
    help: 'Open WebSocket connections (including those still in the handshake).',
    registers: [registry],
  });
  const handshakes = new Counter({
    name: 'openclaw_handshakes_total',
    help: 'Completed handshakes by outcome; failures by details.code.',
    labelNames: ['outcome', 'code'] as const,
    registers: [registry],
  });
  const requests = new Counter({
    name: 'openclaw_rpc_requests_total',
    help: 'RPC requests by method and outcome.',
    labelNames: ['method', 'outcome', 'code'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'openclaw_rpc_duration_seconds',
    help: 'RPC handling time by method.',
    labelNames: ['method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  const drops = new Counter({
    name: 'openclaw_outbound_buffer_drops_total',
    help: 'Connections closed because their outbound buffer exceeded policy.maxBufferedBytes.',
    registers: [registry],
  });
  // Label lookups hash their labels on every call; the hot path reuses one child per method.
  const okChildren = new Map<string, { count: { inc(): void }; time: { observe(v: number): void } }>();
  const sink: CoreMetricsSink = {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    handshake: (outcome, code) => handshakes.inc({ outcome, code: code ?? '' }),
    request: (method, outcome, ms, code) => {
      if (outcome === 'ok') {
        let c = okChildren.get(method);
        if (!c) {
          c = { count: requests.labels(method, 'ok', ''), time: latency.labels(method) };
          okChildren.set(method, c);
        }
        c.count.inc();
        c.time.observe(ms / 1000);
        return;
      }
      requests.inc({ method, outcome, code: code ?? '' });
      latency.observe({ method }, ms / 1000);
    },
    slowConsumer: () => drops.inc(),
  };
  return { registry, sink };
}
