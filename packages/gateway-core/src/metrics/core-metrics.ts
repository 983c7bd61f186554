/** Counters the app turns into Prometheus metrics. */
export interface CoreMetricsSink {
  connectionOpened(): void;
  connectionClosed(): void;
  handshake(outcome: 'ok' | 'failed', code?: string): void;
  request(method: string, outcome: 'ok' | 'error', durationMs: number, errorCode?: string): void;
  slowConsumer(): void;
}

export const noopMetrics: CoreMetricsSink = {
  connectionOpened() {},
  connectionClosed() {},
  handshake() {},
  request() {},
  slowConsumer() {},
};
