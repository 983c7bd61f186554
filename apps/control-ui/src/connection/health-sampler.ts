import { HealthHistory } from '../state/health-history.ts';
import type { GatewaySession } from './session.ts';

const POLL_MS = 3000;

/**
 * Keeps the last few minutes of health summaries for the overview's sparklines, whichever page
 * is open: `health` every few seconds while the tab is visible, plus every pushed `health` event.
 * Emits `sample` when one was added.
 */
export class HealthSampler extends EventTarget {
  readonly history = new HealthHistory(60);
  readonly #session: GatewaySession;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #off: (() => void) | undefined;
  #running = false;
  readonly #onVisibility = () => {
    if (document.visibilityState === 'visible') void this.#poll();
  };

  constructor(session: GatewaySession) {
    super();
    this.#session = session;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#off = this.#session.on('health', (h) => {
      if (this.history.add(h)) this.dispatchEvent(new Event('sample'));
    });
    document.addEventListener('visibilitychange', this.#onVisibility);
    void this.#poll();
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#off?.();
    document.removeEventListener('visibilitychange', this.#onVisibility);
  }

  async #poll(): Promise<void> {
    clearTimeout(this.#timer);
    if (!this.#running) return;
    if (this.#session.state.kind === 'ready' && document.visibilityState === 'visible') {
      try {
        if (this.history.add(await this.#session.client.request('health', { includeMemory: true }))) {
          this.dispatchEvent(new Event('sample'));
        }
      } catch {
        // A missed sample is a gap in the line, nothing more; the next poll tries again.
      }
    }
    if (this.#running && document.visibilityState === 'visible') {
      this.#timer = setTimeout(() => void this.#poll(), POLL_MS);
    }
  }
}
