import type { Registry } from 'prom-client';

interface Series {
  labels: Record<string, string>;
  /** Per-bucket counts (not cumulative); the last one is +Inf. */
  buckets: number[];
  sum: number;
  count: number;
}

type MetricValue = { labels: Record<string, string | number>; value: number; metricName?: string };

/**
 * A counter and a histogram of RPCs with the label values resolved once per series: recording is
 * two additions and a bucket search. prom-client's own metrics check and hash their labels on
 * every call, even through a labelled child, which showed up in the request path's profile.
 * Both register in the prom-client registry and print as its own metrics would.
 */
export class RpcMetrics {
  readonly #bounds: readonly number[];
  readonly #series = new Map<string, Series>();

  constructor(registry: Registry, names: { requests: string; duration: string }, bounds: readonly number[]) {
    this.#bounds = bounds;
    const series = this.#series;
    const requests = {
      name: names.requests,
      help: 'RPC requests by method and outcome.',
      type: 'counter',
      aggregator: 'sum',
      get: () => ({
        name: names.requests,
        help: requests.help,
        type: 'counter',
        aggregator: 'sum',
        values: [...series.values()].map((s) => ({ labels: s.labels, value: s.count })),
      }),
      reset: () => this.#zero(),
    };
    const duration = {
      name: names.duration,
      help: 'RPC handling time by method.',
      type: 'histogram',
      aggregator: 'sum',
      get: () => ({
        name: names.duration,
        help: duration.help,
        type: 'histogram',
        aggregator: 'sum',
        values: this.#histogramValues(names.duration),
      }),
      reset: () => this.#zero(),
    };
    registry.registerMetric(requests as never);
    registry.registerMetric(duration as never);
  }

  /** The series for one (method, outcome, code); kept, so a hot method's lookup is one Map.get. */
  series(method: string, outcome: string, code: string): Series {
    const key = `${method}\u0000${outcome}\u0000${code}`;
    let s = this.#series.get(key);
    if (!s) {
      s = {
        labels: { method, outcome, code },
        buckets: new Array(this.#bounds.length + 1).fill(0),
        sum: 0,
        count: 0,
      };
      this.#series.set(key, s);
    }
    return s;
  }

  observe(s: Series, seconds: number): void {
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && seconds > bounds[i]!) i++;
    s.buckets[i]!++;
    s.sum += seconds;
    s.count++;
  }

  /** Zeroed, not dropped: callers keep series they looked up. */
  #zero(): void {
    for (const s of this.#series.values()) {
      s.buckets.fill(0);
      s.sum = 0;
      s.count = 0;
    }
  }

  /** One histogram per method (over its outcomes), as prom-client prints one: buckets cumulative. */
  #histogramValues(name: string): MetricValue[] {
    const byMethod = new Map<string, { buckets: number[]; sum: number; count: number }>();
    for (const s of this.#series.values()) {
      let m = byMethod.get(s.labels.method!);
      if (!m) {
        m = { buckets: new Array(s.buckets.length).fill(0), sum: 0, count: 0 };
        byMethod.set(s.labels.method!, m);
      }
      for (let i = 0; i < s.buckets.length; i++) m.buckets[i]! += s.buckets[i]!;
      m.sum += s.sum;
      m.count += s.count;
    }
    const out: MetricValue[] = [];
    for (const [method, m] of byMethod) {
      let cumulative = 0;
      for (let i = 0; i < m.buckets.length; i++) {
        cumulative += m.buckets[i]!;
        const le = i < this.#bounds.length ? this.#bounds[i]! : '+Inf';
        out.push({ labels: { le, method }, value: cumulative, metricName: `${name}_bucket` });
      }
      out.push({ labels: { method }, value: m.sum, metricName: `${name}_sum` });
      out.push({ labels: { method }, value: m.count, metricName: `${name}_count` });
    }
    return out;
  }
}
