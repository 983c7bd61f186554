import type { Logger } from '../logging/logger.ts';
import type { Store } from '../store/types.ts';

/**
 * Last-seen stamps of devices and tokens, written in batches: they are informational, and a
 * synchronous durable write on every connect would cost more than the rest of the handshake.
 */
export class LastSeen {
  #devices = new Map<string, { at: number; ip: string | undefined }>();
  #tokens = new Map<string, { deviceId: string; role: string; at: number }>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #store: Store;
  readonly #log: Logger;
  readonly #delayMs: number;

  constructor(store: Store, log: Logger, delayMs = 2000) {
    this.#store = store;
    this.#log = log;
    this.#delayMs = delayMs;
  }

  device(deviceId: string, at: number, ip: string | undefined): void {
    this.#devices.set(deviceId, { at, ip });
    this.#schedule();
  }

  token(deviceId: string, role: string, at: number): void {
    this.#tokens.set(`${deviceId}\u0000${role}`, { deviceId, role, at });
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.flush().catch((error: unknown) => this.#log.warn({ err: error }, 'last-seen flush failed'));
    }, this.#delayMs);
    this.#timer.unref?.();
  }

  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const devices = this.#devices;
    const tokens = this.#tokens;
    this.#devices = new Map();
    this.#tokens = new Map();
    for (const [id, v] of devices) await this.#store.devices.touch(id, v.at, v.ip);
    for (const t of tokens.values()) await this.#store.deviceTokens.touch(t.deviceId, t.role, t.at);
  }
}
