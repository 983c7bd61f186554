import { join } from 'node:path';
import type { ChannelAccountStatus } from '@openclaw/protocol';
import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { ChannelConfigError, type ResolvedAccount, resolveAccounts } from './account-config.ts';
import type { AccountLeases } from './account-leases.ts';
import type { AccountTable } from './account-table.ts';
import type { ChannelInbound } from './inbound.ts';
import type { DeviceLinking } from './linking.ts';
import type { Outbox } from './outbox.ts';
import type { ChannelProvider, WebhookRegistrar } from './sdk/types.ts';
import type { ChannelStatus } from './status.ts';
import { AccountSupervisor, type BackoffPolicy } from './supervisor.ts';

/** Reconnect backoff of a dropped account unless tuned (jittered ±20 % per attempt). */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 1000,
  maxMs: 60_000,
  circuitAfter: 10,
  circuitOpenMs: 5 * 60_000,
};
const START_WAIT_DEFAULT_MS = 10_000;
const START_WAIT_MAX_MS = 60_000;

export interface ChannelAccountsOptions {
  table: AccountTable;
  leases: AccountLeases;
  clock: Clock;
  log: Logger;
  /** The `channels` section of the config. */
  config: () => Record<string, unknown>;
  stateDir: string;
  backoff?: Partial<BackoffPolicy> | undefined;
  webhooks?: WebhookRegistrar | undefined;
  /** Where each adapter's inbound messages go. */
  inbound: Pick<ChannelInbound, 'handle' | 'update'>;
  /** Where each running adapter is handed for sending. */
  outbox: Pick<Outbox, 'setAdapter'>;
  linking: Pick<DeviceLinking, 'adapterChanged'>;
  status: Pick<ChannelStatus, 'account'>;
  /** Called when an account's status changes (health events). */
  onStatusChange?: (() => void) | undefined;
  /**
   * The secret values the accounts resolved to (from config, env or token files), told before
   * any account starts, so the log scrubber knows them before an adapter can log one.
   */
  onSecrets?: ((values: string[]) => void) | undefined;
}

/**
 * Accounts and their supervision: resolves every account from config into the table, one
 * AccountSupervisor each (lease, backoff, circuit), whose adapter feeds ChannelInbound and is
 * handed to the outbox while it is up; and `channels.start` / `channels.stop`.
 */
export class ChannelAccounts {
  readonly #o: ChannelAccountsOptions;

  constructor(options: ChannelAccountsOptions) {
    this.#o = options;
  }

  /**
   * One supervisor per configured account. Channels are read once, at start (changing them needs
   * a restart, like the set of providers loaded); a channel whose config is invalid is reported
   * and left out, the others start.
   */
  load(): void {
    const { table, log } = this.#o;
    const raw = this.#o.config();
    for (const provider of table.providers) {
      const channel = provider.id;
      let accounts: ResolvedAccount[];
      try {
        accounts = resolveAccounts(channel, raw[channel], provider);
      } catch (error) {
        const message = error instanceof ChannelConfigError ? error.message : String(error);
        table.configErrors.set(channel, message);
        log.error({ channel, err: message }, 'channel config invalid; its accounts are not started');
        continue;
      }
      for (const account of accounts) table.add(this.#supervisor(provider, account));
    }
    this.#o.onSecrets?.(table.secretValues());
    for (const c of Object.keys(raw).filter((c) => !table.provider(c))) {
      log.warn({ channel: c }, 'config names a channel this gateway has no provider for');
    }
  }

  /** Start every enabled account. */
  startEnabled(): void {
    for (const s of this.#o.table.all()) if (s.account.core.enabled) s.start();
  }

  /**
   * Start (or restart) accounts and answer with their state once each has left `starting` — up,
   * degraded, backing off, needing action — or with `starting` if `timeoutMs` ran out first.
   */
  async startAccounts(
    channel: string,
    accountId?: string,
    timeoutMs = START_WAIT_DEFAULT_MS,
  ): Promise<ChannelAccountStatus[]> {
    const list = this.#o.table.select(channel, accountId);
    for (const s of list) {
      if (s.status.running) await s.restart();
      else s.start();
    }
    const wait = Math.min(Math.max(timeoutMs, 0), START_WAIT_MAX_MS);
    await Promise.all(list.map((s) => s.settled(wait)));
    return list.map((s) => this.#o.status.account(s));
  }

  async stopAccounts(channel: string, accountId?: string): Promise<ChannelAccountStatus[]> {
    const list = this.#o.table.select(channel, accountId);
    await Promise.all(list.map((s) => s.stop()));
    return list.map((s) => this.#o.status.account(s));
  }

  /** Stop every account (each releases its lease). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#o.table.all().map((s) => s.stop()));
  }

  #supervisor(provider: ChannelProvider, account: ResolvedAccount): AccountSupervisor {
    const { channel } = account;
    const accountId = account.core.accountId;
    const { inbound, outbox, linking } = this.#o;
    return new AccountSupervisor({
      provider,
      account,
      stateDir: join(this.#o.stateDir, 'channels', channel, accountId),
      log: this.#o.log,
      clock: this.#o.clock,
      backoff: { ...DEFAULT_BACKOFF, ...this.#o.backoff },
      lease: this.#o.leases.handle(channel, accountId),
      emit: (env) => inbound.handle(env),
      update: (event) => inbound.update(event),
      onAdapter: (adapter) => {
        outbox.setAdapter(channel, accountId, adapter);
        linking.adapterChanged(channel, accountId, adapter);
      },
      onStatus: () => this.#o.onStatusChange?.(),
      webhooks: this.#o.webhooks,
    });
  }
}
