import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { AccountTable } from './account-table.ts';
import type { LeaseHandle } from './supervisor.ts';

export interface AccountLeasesOptions {
  store: Store;
  clock: Clock;
  table: AccountTable;
  /** This gateway's id: the lease holder name. */
  gatewayId: string;
  ttlMs?: number | undefined;
}

/**
 * One lease per channel account, so one gateway serves it at a time: the handle each supervisor
 * takes and renews, and the fencing check the outbox makes before every platform call.
 */
export class AccountLeases {
  readonly #o: AccountLeasesOptions;
  readonly ttlMs: number;

  constructor(options: AccountLeasesOptions) {
    this.#o = options;
    this.ttlMs = options.ttlMs ?? 15_000;
  }

  handle(channel: string, accountId: string): LeaseHandle {
    const { store, clock, gatewayId } = this.#o;
    const name = leaseName(channel, accountId);
    const ttlMs = this.ttlMs;
    return {
      ttlMs,
      acquire: async () => {
        const r = await store.leases.acquire(name, gatewayId, ttlMs, clock.now());
        return { acquired: r.acquired, holder: r.lease.holder, token: r.lease.token };
      },
      release: async () => {
        await store.leases.release(name, gatewayId);
      },
    };
  }

  /**
   * Fencing: true only while this gateway holds the account's lease with the token it started
   * the adapter under. A stale owner (paused, partitioned) that comes back finds a newer token.
   */
  async owns(channel: string, accountId: string): Promise<boolean> {
    const sup = this.#o.table.get(channel, accountId);
    if (!sup?.adapter || sup.leaseToken === 0) return false;
    const lease = await this.#o.store.leases.get(leaseName(channel, accountId));
    return (
      lease !== undefined &&
      lease.holder === this.#o.gatewayId &&
      lease.token === sup.leaseToken &&
      lease.expiresAtMs > this.#o.clock.now()
    );
  }
}

function leaseName(channel: string, accountId: string): string {
  return `channel:${channel}:${accountId}`;
}
