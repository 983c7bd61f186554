import type { HealthSummary } from '@openclaw/protocol';

/** One point of the overview's sparklines. */
export interface HealthSample {
  ts: number;
  /** p99 event-loop delay in the sampling window, ms. */
  loopP99Ms: number;
  /** Event-loop utilisation, 0..1. */
  utilization: number;
  rssBytes: number | undefined;
  heapUsedBytes: number | undefined;
}

/**
 * The last `capacity` health summaries (polled or pushed), oldest first, one per summary time:
 * what the overview draws its event-loop and memory sparklines from.
 */
export class HealthHistory {
  readonly capacity: number;
  #samples: HealthSample[] = [];

  constructor(capacity = 60) {
    this.capacity = capacity;
  }

  /** Add a summary; one already seen (same time) or older than the newest is ignored. */
  add(health: HealthSummary): boolean {
    const last = this.#samples.at(-1);
    if (last && health.ts <= last.ts) return false;
    this.#samples.push({
      ts: health.ts,
      loopP99Ms: health.eventLoop.delayP99Ms,
      utilization: health.eventLoop.utilization,
      rssBytes: health.memory?.rssBytes,
      heapUsedBytes: health.memory?.heapUsedBytes,
    });
    if (this.#samples.length > this.capacity) this.#samples.splice(0, this.#samples.length - this.capacity);
    return true;
  }

  get samples(): readonly HealthSample[] {
    return this.#samples;
  }
}

export interface Sparkline {
  /** SVG polyline points, `x,y x,y …`; empty with fewer than two values. */
  points: string;
  min: number;
  max: number;
  last: number | undefined;
}

/**
 * A sparkline of `values` in a `width`×`height` box, `pad` inside its edges: x spread evenly,
 * y from the lowest value (bottom) to the highest (top). A flat series sits in the middle.
 */
export function sparkline(values: readonly number[], width: number, height: number, pad = 2): Sparkline {
  const finite = values.filter((v) => Number.isFinite(v));
  const last = finite.at(-1);
  if (finite.length === 0) return { points: '', min: 0, max: 0, last };
  const min = Math.min(...finite);
  const max = Math.max(...finite);
  if (finite.length < 2) return { points: '', min, max, last };
  const span = max - min;
  const w = width - 2 * pad;
  const h = height - 2 * pad;
  const round = (n: number) => Math.round(n * 10) / 10;
  const points = finite
    .map((v, i) => {
      const x = pad + (i / (finite.length - 1)) * w;
      const y = span === 0 ? pad + h / 2 : pad + h - ((v - min) / span) * h;
      return `${round(x)},${round(y)}`;
    })
    .join(' ');
  return { points, min, max, last };
}

/** `84.2 MB`, `1.3 GB`: a byte count for people (powers of 1000, as system monitors show). */
export function bytes(n: number | undefined): string {
  if (n === undefined) return '…';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  do {
    v /= 1000;
    u++;
  } while (v >= 1000 && u < units.length - 1);
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[u]}`;
}
