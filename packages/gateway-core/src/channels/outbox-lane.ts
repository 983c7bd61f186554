import type { OutboxRecord } from '../store/types.ts';
import type { ChannelAdapter } from './sdk/types.ts';

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
