import type { OutboxRecord } from '../store/types.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { ChannelAdapter, ChannelCapabilities } from './sdk/types.ts';

export interface Pacing {
  perChatMs: number;
  perAccountMs: number;
}

/** The spacing of sends: the account's own setting, else the platform's, else none. */
export function pacingOf(
  account: CoreAccountConfig | undefined,
  caps: ChannelCapabilities | undefined,
): Pacing {
  return account?.pacing ?? caps?.pacing ?? { perChatMs: 0, perAccountMs: 0 };
}

/** Sends of one (channel, account): per-chat serial queues, account-wide pacing and concurrency. */
export class Lane {
  adapter: ChannelAdapter | undefined;
  readonly chats = new Map<string, OutboxRecord[]>();
  #waiters: (() => void)[] = [];
  #active = 0;
  #slotWaiters: (() => void)[] = [];
  #nextAccountSlot = 0;
  readonly lastSentByChat = new Map<string, number>();

  setAdapter(a: ChannelAdapter | undefined): void {
    this.adapter = a;
    if (a) for (const w of this.#waiters.splice(0)) w();
  }

  ready(): Promise<ChannelAdapter> {
    if (this.adapter) return Promise.resolve(this.adapter);
    return new Promise((resolve) => this.#waiters.push(() => resolve(this.adapter!)));
  }

  async acquire(limit: number): Promise<void> {
    while (this.#active >= limit) await new Promise<void>((r) => this.#slotWaiters.push(r));
    this.#active++;
  }

  release(): void {
    this.#active--;
    this.#slotWaiters.shift()?.();
  }

  #lastAccountSendAt = Number.NEGATIVE_INFINITY;

  /** How long until the account may call the platform again; 0 claims the call for `now`. */
  claimAccountSend(now: number, gapMs: number): number {
    const wait = this.#lastAccountSendAt + gapMs - now;
    if (wait > 0) return wait;
    this.#lastAccountSendAt = now;
    return 0;
  }

  /** Reserve the next account-wide send slot; returns how long to wait for it. */
  reserveAccountSlot(now: number, gapMs: number): number {
    const slot = Math.max(now, this.#nextAccountSlot);
    this.#nextAccountSlot = slot + gapMs;
    return slot - now;
  }

  wakeAll(): void {
    for (const w of this.#waiters.splice(0)) w();
    for (const w of this.#slotWaiters.splice(0)) w();
  }
}
