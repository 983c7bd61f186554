import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

export interface EventLoopSample {
  degraded: boolean;
  degradedSinceMs?: number | null;
  reasons: ('event_loop_delay' | 'event_loop_utilization' | 'cpu')[];
  intervalMs: number;
  delayP99Ms: number;
  delayMaxMs: number;
  utilization: number;
  cpuCoreRatio: number;
}

/**
 * Event-loop delay, utilisation and CPU over a rolling window. Sampling is passive (a
 * histogram node keeps), so reading it is cheap.
 */
export class EventLoopMonitor {
  #histogram: ReturnType<typeof monitorEventLoopDelay>;
  #elu = performance.eventLoopUtilization();
  #cpu = process.cpuUsage();
  #since = performance.now();
  #degradedSince: number | null = null;
  #last: EventLoopSample | undefined;
  #lastAt = 0;

  constructor() {
    this.#histogram = monitorEventLoopDelay({ resolution: 20 });
    this.#histogram.enable();
  }

  /** Sample; rolls the window when the last one is older than a second. */
  sample(nowMs: number): EventLoopSample {
    if (this.#last && performance.now() - this.#lastAt < 1000) return this.#last;
    const elapsed = performance.now() - this.#since;
    const elu = performance.eventLoopUtilization(this.#elu);
    const cpu = process.cpuUsage(this.#cpu);
    const p99 = this.#histogram.percentile(99) / 1e6;
    const max = this.#histogram.max / 1e6;
    const utilization = Number.isFinite(elu.utilization) ? elu.utilization : 0;
    const cpuCoreRatio = elapsed > 0 ? (cpu.user + cpu.system) / 1000 / elapsed : 0;
    const reasons: EventLoopSample['reasons'] = [];
    if (p99 > 200) reasons.push('event_loop_delay');
    if (utilization > 0.95) reasons.push('event_loop_utilization');
    const degraded = reasons.length > 0;
    if (degraded && this.#degradedSince === null) this.#degradedSince = nowMs;
    if (!degraded) this.#degradedSince = null;
    this.#last = {
      degraded,
      degradedSinceMs: this.#degradedSince,
      reasons,
      intervalMs: Math.round(elapsed),
      delayP99Ms: round(p99),
      delayMaxMs: round(max),
      utilization: round(utilization),
      cpuCoreRatio: round(cpuCoreRatio),
    };
    this.#lastAt = performance.now();
    this.#histogram.reset();
    this.#elu = performance.eventLoopUtilization();
    this.#cpu = process.cpuUsage();
    this.#since = performance.now();
    return this.#last;
  }

  close(): void {
    this.#histogram.disable();
  }
}

function round(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n * 1000) / 1000 : 0;
}
