import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

describe('RPC metrics', () => {
  it('count by method, outcome and code, and time by method in cumulative buckets, as Prometheus text', async () => {
    const { registry, sink } = createMetrics();
    sink.request('health', 'ok', 0.2);
    sink.request('health', 'ok', 3);
    sink.request('health', 'error', 40, 'UNAVAILABLE');
    sink.request('status', 'ok', 20_000);
    const text = await registry.metrics();
    const lines = text.split('\n');
    const line = (prefix: string) => lines.find((l) => l.startsWith(prefix));
    expect(text).toContain('# TYPE openclaw_rpc_requests_total counter');
    expect(line('openclaw_rpc_requests_total{method="health",outcome="ok",code=""}')).toMatch(/ 2$/);
    expect(line('openclaw_rpc_requests_total{method="health",outcome="error",code="UNAVAILABLE"}')).toMatch(
      / 1$/,
    );
    expect(text).toContain('# TYPE openclaw_rpc_duration_seconds histogram');
    // health: 0.2 ms, 3 ms and 40 ms (both outcomes) in one histogram.
    expect(line('openclaw_rpc_duration_seconds_bucket{le="0.0005",method="health"}')).toMatch(/ 1$/);
    expect(line('openclaw_rpc_duration_seconds_bucket{le="0.005",method="health"}')).toMatch(/ 2$/);
    expect(line('openclaw_rpc_duration_seconds_bucket{le="0.05",method="health"}')).toMatch(/ 3$/);
    expect(line('openclaw_rpc_duration_seconds_bucket{le="+Inf",method="health"}')).toMatch(/ 3$/);
    expect(line('openclaw_rpc_duration_seconds_count{method="health"}')).toMatch(/ 3$/);
    expect(Number(line('openclaw_rpc_duration_seconds_sum{method="health"}')!.split(' ')[1])).toBeCloseTo(
      0.0432,
      6,
    );
    // 20 s is past the last bound: only +Inf counts it.
    expect(line('openclaw_rpc_duration_seconds_bucket{le="10",method="status"}')).toMatch(/ 0$/);
    expect(line('openclaw_rpc_duration_seconds_bucket{le="+Inf",method="status"}')).toMatch(/ 1$/);
    registry.clear();
  });

  it('JSON export and reset work through the registry like prom-client metrics', async () => {
    const { registry, sink } = createMetrics();
    sink.request('health', 'ok', 1);
    const json = await registry.getMetricsAsJSON();
    const counter = json.find((m) => m.name === 'openclaw_rpc_requests_total');
    expect(counter?.values).toEqual([{ labels: { method: 'health', outcome: 'ok', code: '' }, value: 1 }]);
    registry.resetMetrics();
    const counted = async () =>
      (await registry.getMetricsAsJSON()).find((m) => m.name === 'openclaw_rpc_requests_total')?.values[0]
        ?.value;
    expect(await counted()).toBe(0);
    // A reset series keeps counting (the sink keeps the series it looked up).
    sink.request('health', 'ok', 1);
    expect(await counted()).toBe(1);
    expect(registry).toBeInstanceOf(Registry);
  });
});
