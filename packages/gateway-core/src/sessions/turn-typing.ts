import type { RunDelivery } from '../store/types.ts';

type Typing = ((target: RunDelivery, on: boolean) => void) | undefined;

/**
 * A turn's typing indicator in its chat. `start()` turns it on once the current pass of the event
 * loop is over: the turn sends its model request in that pass, and the indicator's own platform
 * call is no reason to keep the model waiting (it came first before, on every turn's path).
 * `shown()` turns it on at once if it is still waiting, so a turn over sooner (an instant answer,
 * a failure) shows it before its reply and its end, as it always did.
 */
export class TurnTyping {
  readonly #target: RunDelivery | undefined;
  readonly #typing: Typing;
  #soon: ReturnType<typeof setImmediate> | undefined;

  constructor(target: RunDelivery | undefined, typing: Typing) {
    this.#target = target;
    this.#typing = typing;
  }

  start(): void {
    if (this.#target && !this.#soon) this.#soon = setImmediate(() => this.shown());
  }

  shown(): void {
    if (!this.#soon || !this.#target) return;
    clearImmediate(this.#soon);
    this.#soon = undefined;
    this.#typing?.(this.#target, true);
  }

  /** The turn is over: shown first if it was still waiting, then off. */
  end(): void {
    this.shown();
    if (this.#target) this.#typing?.(this.#target, false);
  }
}
