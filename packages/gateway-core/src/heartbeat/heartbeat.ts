import type { HeartbeatPayload, LastHeartbeatResult } from '@openclaw/protocol';
import type { EventBus } from '../events/event-bus.ts';
import type { KvRepo } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';

const KV_KEY = 'heartbeat.settings';

interface Settings {
  enabled: boolean;
  intervalMs: number;
}

/**
 * Periodic `heartbeat` events carrying the gateway's liveness summary. Settings changed with
 * set-heartbeats persist in the store and win over the config defaults.
 */
export class Heartbeat {
  #settings: Settings;
  #timer: ReturnType<typeof setInterval> | undefined;
  #seq = 0;
  #last: HeartbeatPayload | null = null;
  #pendingText: string | undefined;
  readonly #bus: EventBus;
  readonly #clock: Clock;
  readonly #kv: KvRepo;
  readonly #summary: () => Omit<HeartbeatPayload, 'ts' | 'seq' | 'reason' | 'text'>;

  constructor(options: {
    bus: EventBus;
    clock: Clock;
    kv: KvRepo;
    defaults: Settings;
    summary: () => Omit<HeartbeatPayload, 'ts' | 'seq' | 'reason' | 'text'>;
  }) {
    this.#bus = options.bus;
    this.#clock = options.clock;
    this.#kv = options.kv;
    this.#settings = { ...options.defaults };
    this.#summary = options.summary;
  }

  async start(): Promise<void> {
    const saved = await this.#kv.get<Settings>(KV_KEY);
    if (saved) this.#settings = saved;
    this.#schedule();
  }

  #schedule(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (!this.#settings.enabled) return;
    this.#timer = setInterval(() => this.beat('interval'), this.#settings.intervalMs);
    this.#timer.unref?.();
  }

  /** Fire one heartbeat now. */
  beat(reason: 'interval' | 'wake' | 'manual', text?: string): HeartbeatPayload {
    const carried = text ?? this.#pendingText;
    this.#pendingText = undefined;
    const payload: HeartbeatPayload = { ts: this.#clock.now(), seq: ++this.#seq, reason, ...this.#summary() };
    if (carried) payload.text = carried;
    this.#last = payload;
    this.#bus.publish('heartbeat', payload, { replayable: false });
    return payload;
  }

  /** Carry a text with the next scheduled heartbeat. */
  queueText(text: string): void {
    this.#pendingText = text;
  }

  async set(settings: { enabled: boolean; intervalMs?: number | undefined }): Promise<LastHeartbeatResult> {
    this.#settings = {
      enabled: settings.enabled,
      intervalMs: settings.intervalMs ?? this.#settings.intervalMs,
    };
    await this.#kv.set(KV_KEY, this.#settings);
    this.#schedule();
    return this.state();
  }

  state(): LastHeartbeatResult {
    return { enabled: this.#settings.enabled, intervalMs: this.#settings.intervalMs, last: this.#last };
  }

  get intervalSeconds(): number {
    return this.#settings.enabled ? Math.round(this.#settings.intervalMs / 1000) : 0;
  }

  stop(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
