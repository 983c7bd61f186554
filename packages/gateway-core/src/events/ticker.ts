import type { Clock } from '../util/clock.ts';
import type { EventBus } from './event-bus.ts';

/** The `tick` event every connected client watches for (a missed tick means a dead link). */
export class Ticker {
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #onTick: () => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  #ms = 0;

  constructor(options: { bus: EventBus; clock: Clock; onTick: () => void }) {
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#onTick = options.onTick;
  }

  /** The interval ticks go out at now (0 before the first schedule). */
  get intervalMs(): number {
    return this.#ms;
  }

  schedule(ms: number): void {
    if (this.#timer && ms === this.#ms) return;
    if (this.#timer) clearInterval(this.#timer);
    this.#ms = ms;
    this.#timer = setInterval(() => {
      this.#bus.publish('tick', { ts: this.#clock.now() }, { replayable: false });
      this.#onTick();
    }, ms);
    this.#timer.unref?.();
  }

  /** The configured interval changed: never tick slower than connected clients were told. */
  retune(ms: number, clientsConnected: boolean): void {
    this.schedule(clientsConnected ? Math.min(ms, this.#ms) : ms);
  }

  close(): void {
    if (this.#timer) clearInterval(this.#timer);
  }
}
