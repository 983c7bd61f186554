import type { CoreMetricsSink } from '@openclaw/gateway-core';
import { Counter, collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { RpcMetrics } from './rpc-metrics.ts';

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
  const rpc = new RpcMetrics(
    registry,
    { requests: 'openclaw_rpc_requests_total', duration: 'openclaw_rpc_duration_seconds' },
    [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  );
  const drops = new Counter({
    name: 'openclaw_outbound_buffer_drops_total',
    help: 'Connections closed because their outbound buffer exceeded policy.maxBufferedBytes.',
    registers: [registry],
  });
  // A hot method's series is found once and kept: one Map lookup per request.
  const okSeries = new Map<string, ReturnType<RpcMetrics['series']>>();
  const sink: CoreMetricsSink = {
    connectionOpened: () => connections.inc(),
    connectionClosed: () => connections.dec(),
    handshake: (outcome, code) => handshakes.inc({ outcome, code: code ?? '' }),
    request: (method, outcome, ms, code) => {
      let s = outcome === 'ok' ? okSeries.get(method) : undefined;
      if (!s) {
        s = rpc.series(method, outcome, code ?? '');
        if (outcome === 'ok') okSeries.set(method, s);
      }
      rpc.observe(s, ms / 1000);
    },
    slowConsumer: () => drops.inc(),
  };
  return { registry, sink };
}
