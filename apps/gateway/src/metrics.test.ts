import { describe, expect, it } from 'vitest';
import { createMetrics, METRIC_PREFIX } from './metrics.ts';

describe('metric names', () => {
  it('carry the openclaw_ prefix exactly once, never a doubled word', async () => {
    const { registry, sink } = createMetrics();
    sink.request('status', 'ok', 1);
    const names = (await registry.getMetricsAsJSON()).map((m) => m.name);
    expect(names).toContain('openclaw_process_cpu_user_seconds_total');
    expect(names).toContain('openclaw_nodejs_eventloop_lag_seconds');
    expect(names).toContain('openclaw_rpc_requests_total');
    for (const name of names) {
      expect(name.startsWith(METRIC_PREFIX)).toBe(true);
      expect(name.slice(METRIC_PREFIX.length).startsWith('openclaw_')).toBe(false);
      // No word twice in a row: openclaw_process_process_… was the bug.
      const words = name.split('_');
      expect(
        words.some((w, i) => i > 0 && w === words[i - 1]),
        name,
      ).toBe(false);
    }
    registry.clear();
  });
});
