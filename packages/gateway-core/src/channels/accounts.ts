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
  /**
   * The provider of a channel the config starts naming while running (undefined: this gateway
   * has none; throws when its platform library is not installed).
   */
  resolveProvider?: ((channel: string) => ChannelProvider | undefined) | undefined;
}

/** What applying a changed `channels` section did, account by account (`channel/accountId`). */
export interface ChannelsReconciled {
  added: string[];
  removed: string[];
  restarted: string[];
  /** Channels whose new config was refused, with why (their running accounts are kept as they were). */
  refused: Record<string, string>;
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
   * One supervisor per configured account, at start; later changes go through reconcile(). A
   * channel whose config is invalid is reported and left out, the others start.
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

  /**
   * Apply a changed `channels` section while running: an account that appeared is started (if
   * enabled), one that is gone is stopped and forgotten, one whose settings changed is stopped and
   * started again with them; the others are not touched. A channel whose new config does not
   * resolve keeps its running accounts and is reported. One reconcile at a time, in order.
   */
  reconcile(): Promise<ChannelsReconciled> {
    const next = this.#reconciling.then(() => this.#reconcile());
    this.#reconciling = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  #reconciling: Promise<void> = Promise.resolve();

  async #reconcile(): Promise<ChannelsReconciled> {
    const { table, log } = this.#o;
    const raw = this.#o.config();
    const out: ChannelsReconciled = { added: [], removed: [], restarted: [], refused: {} };
    for (const channel of Object.keys(raw)) {
      if (table.provider(channel)) continue;
      try {
        const provider = this.#o.resolveProvider?.(channel);
        if (provider) table.addProvider(provider);
        else log.warn({ channel }, 'config names a channel this gateway has no provider for');
      } catch (error) {
        out.refused[channel] = (error as Error).message;
      }
    }
    const wanted = new Map<string, { provider: ChannelProvider; account: ResolvedAccount }>();
    const resolved = new Set<string>();
    for (const provider of table.providers) {
      const channel = provider.id;
      if (out.refused[channel]) continue;
      try {
        for (const account of resolveAccounts(channel, raw[channel], provider)) {
          wanted.set(`${channel}/${account.core.accountId}`, { provider, account });
        }
        resolved.add(channel);
        table.configErrors.delete(channel);
      } catch (error) {
        const message = error instanceof ChannelConfigError ? error.message : String(error);
        out.refused[channel] = message;
      }
    }
    for (const [channel, why] of Object.entries(out.refused)) {
      log.error({ channel, err: why }, 'changed channel config not applied; its running accounts are kept');
    }
    const stops: Promise<void>[] = [];
    const starts: AccountSupervisor[] = [];
    for (const s of table.all()) {
      const { channel } = s.account;
      if (!resolved.has(channel)) continue;
      const id = `${channel}/${s.account.core.accountId}`;
      const want = wanted.get(id);
      wanted.delete(id);
      if (!want) {
        out.removed.push(id);
        stops.push(s.stop().then(() => table.remove(channel, s.account.core.accountId)));
      } else if (!sameSettings(s.account, want.account)) {
        out.restarted.push(id);
        stops.push(
          s.stop().then(() => {
            const next = this.#supervisor(want.provider, want.account);
            table.add(next);
            starts.push(next);
          }),
        );
      }
    }
    await Promise.all(stops);
    for (const [id, { provider, account }] of wanted) {
      out.added.push(id);
      const next = this.#supervisor(provider, account);
      table.add(next);
      starts.push(next);
    }
    // The scrubber learns new secrets before an adapter that holds them starts.
    if (starts.length) this.#o.onSecrets?.(table.secretValues());
    for (const s of starts) if (s.account.core.enabled) s.start();
    if (out.added.length || out.removed.length || out.restarted.length) {
      log.info(
        { added: out.added, removed: out.removed, restarted: out.restarted },
        'channel accounts changed by config',
      );
      this.#o.onStatusChange?.();
    }
    return out;
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

  /** Accounts held elsewhere try their leases now (another gateway stopped and freed its own). */
  lookAgain(): void {
    for (const s of this.#o.table.all()) s.lookAgain();
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

/** Whether a running account's settings are what the config now says (else it restarts with them). */
function sameSettings(a: ResolvedAccount, b: ResolvedAccount): boolean {
  return (
    JSON.stringify([a.core, a.provider, a.configured]) === JSON.stringify([b.core, b.provider, b.configured])
  );
}
