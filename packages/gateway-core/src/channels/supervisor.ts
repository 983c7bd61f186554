import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import { deferred } from '../util/deferred.ts';
import type { ResolvedAccount } from './account-config.ts';
import { AccountLiveness } from './account-liveness.ts';
import {
  type AccountRuntimeStatus,
  type FailureSource,
  initialStatus,
  workingStatus,
} from './account-status.ts';
import { accountSecrets, errorText } from './error-text.ts';
import { type BackoffPolicy, restartDelay } from './restart-backoff.ts';
import { NonRetryableChannelError } from './sdk/errors.ts';
import type {
  AdapterContext,
  ChannelAdapter,
  ChannelProvider,
  InboundEnvelope,
  InboundUpdate,
  WebhookRegistrar,
} from './sdk/types.ts';

export interface LeaseHandle {
  acquire(): Promise<{ acquired: boolean; holder: string; token: number }>;
  release(): Promise<void>;
  ttlMs: number;
}

export interface SupervisorOptions {
  provider: ChannelProvider;
  account: ResolvedAccount;
  stateDir: string;
  log: Logger;
  clock: Clock;
  lease: LeaseHandle;
  backoff: BackoffPolicy;
  emit(env: InboundEnvelope): Promise<void>;
  update?(event: InboundUpdate): Promise<void>;
  /** The adapter while it is up and owned (undefined when it goes away). */
  onAdapter(adapter: ChannelAdapter | undefined): void;
  onStatus(status: AccountRuntimeStatus): void;
  webhooks?: WebhookRegistrar | undefined;
}

export type { AccountRuntimeStatus, FailureSource, HealthState } from './account-status.ts';
export type { BackoffPolicy } from './restart-backoff.ts';

const STOP = Symbol('stop');
const LOST_LEASE = Symbol('lost-lease');

/**
 * One per (channel, account): owns the adapter's life. Takes the account's lease, starts the
 * adapter, restarts it with capped, jittered backoff when it drops, opens a circuit after
 * repeated failures, and turns non-retryable failures into an actionable status instead of a
 * loop. Nothing an adapter throws escapes it.
 *
 * Its AccountLiveness keeps the account's liveness honest: failures of a running account (its
 * receive loop, reported by the adapter, and its sends, reported by the outbox) make it `degraded`
 * with the error and since when, until each failing part works again.
 */
export class AccountSupervisor {
  readonly status: AccountRuntimeStatus;
  readonly #o: SupervisorOptions;
  #wanted = false;
  #loop: Promise<void> | undefined;
  #stop = deferred<typeof STOP>();
  #wake: (() => void) | undefined;
  #adapter: ChannelAdapter | undefined;
  readonly #liveness: AccountLiveness;
  readonly #secrets: string[];
  readonly #settleWaiters = new Set<() => void>();
  /** The fencing token of the lease this supervisor holds (0 when none). */
  leaseToken = 0;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    const a = options.account;
    this.status = initialStatus(a);
    this.#secrets = accountSecrets(options.provider, a.provider);
    this.#liveness = new AccountLiveness({
      status: this.status,
      clock: options.clock,
      log: options.log,
      adapterUp: () => this.#adapter !== undefined,
      text: (error) => this.#text(error),
      set: (patch) => this.#set(patch),
    });
  }

  get adapter(): ChannelAdapter | undefined {
    return this.#adapter;
  }

  get account(): ResolvedAccount {
    return this.#o.account;
  }

  start(): void {
    if (this.#wanted) return;
    const now = this.#o.clock.now();
    if (!this.status.configured) {
      this.#set({
        healthState: 'not-configured',
        lastError: 'missing credentials in config',
        lastErrorAt: now,
      });
      return;
    }
    this.#wanted = true;
    this.#liveness.wasUp = false;
    this.#liveness.clear();
    this.#stop = deferred();
    // `starting` at once, so whoever started it can wait for it to leave that state.
    this.#set({
      running: true,
      healthState: 'starting',
      lastStartAt: now,
      reconnectAttempts: 0,
      failingSince: null,
      action: undefined,
    });
    this.#loop = this.#run().catch((error: unknown) => {
      this.#o.log.error(
        { err: error, channel: this.status.channel, accountId: this.status.accountId },
        'supervisor crashed',
      );
      const at = this.#o.clock.now();
      this.#set({
        running: false,
        healthState: 'failed',
        lastError: this.#text(error),
        lastErrorAt: at,
        failingSince: at,
      });
    });
  }

  /** Resolves once the account is past `starting`, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (this.status.healthState !== 'starting') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#settleWaiters.delete(done);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      this.#settleWaiters.add(done);
    });
  }

  /**
   * A failure of the running account: its receive loop (from the adapter) or a send (from the
   * outbox). It is `degraded` until noteSuccess() for every source that failed.
   */
  noteFailure(source: FailureSource, error: unknown): void {
    this.#liveness.noteFailure(source, error);
  }

  /** `source` works (a poll answered, a socket reopened, a send went out). Cheap when nothing failed. */
  noteSuccess(source: FailureSource): void {
    this.#liveness.noteSuccess(source);
  }

  async stop(): Promise<void> {
    this.#wanted = false;
    this.#stop.resolve(STOP);
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
  }

  /** Another gateway freed accounts: one held elsewhere tries its lease now, not at its next look. */
  lookAgain(): void {
    if (this.status.healthState === 'held-elsewhere') this.#wake?.();
  }

  async restart(): Promise<void> {
    await this.stop();
    this.start();
  }

  noteInbound(at: number): void {
    this.status.lastInboundAt = at;
  }

  noteOutbound(at: number): void {
    this.status.lastOutboundAt = at;
  }

  async #run(): Promise<void> {
    const { provider, account, log } = this.#o;
    const tag = { channel: account.channel, accountId: account.core.accountId };
    let failures = 0;
    while (this.#wanted) {
      const lease = await this.#o.lease.acquire().catch((error: unknown) => {
        log.warn({ ...tag, err: error }, 'lease check failed');
        return { acquired: false, holder: 'unknown', token: 0 };
      });
      if (!this.#wanted) break;
      this.leaseToken = lease.acquired ? lease.token : 0;
      if (!lease.acquired) {
        this.#set({ healthState: 'held-elsewhere', connected: false, heldBy: lease.holder });
        await this.#sleep(Math.max(250, Math.floor(this.#o.lease.ttlMs / 3)));
        continue;
      }
      // Retries keep showing the outage (degraded or backoff) rather than flapping through `starting`.
      const retrying = failures > 0 && ['degraded', 'backoff'].includes(this.status.healthState);
      this.#set({ heldBy: undefined, ...(retrying ? {} : { healthState: 'starting' as const }) });
      const failed = deferred<unknown>();
      const controller = new AbortController();
      /** What this adapter said about being connected before it was up. */
      let reportedConnected: boolean | undefined;
      let live = true;
      let adapter: ChannelAdapter | undefined;
      let outcome: unknown;
      try {
        adapter = await provider.create(account.provider, account.core.accountId);
        const ctx: AdapterContext = {
          channel: account.channel,
          accountId: account.core.accountId,
          config: account.provider,
          stateDir: this.#o.stateDir,
          signal: controller.signal,
          log: log.child(tag),
          emit: (env) => this.#o.emit(env),
          update: async (event) => {
            await this.#o.update?.(event);
          },
          status: (patch) => {
            if (!live) return;
            if (patch.connected !== undefined && !this.#adapter) reportedConnected = patch.connected;
            this.#liveness.adapterStatus(patch);
          },
          degraded: (error) => {
            if (live) this.noteFailure('receive', error);
          },
          healthy: () => {
            if (live) this.noteSuccess('receive');
          },
          fail: (error) => failed.resolve(error ?? new Error('receive loop ended')),
        };
        if (this.#o.webhooks) ctx.webhooks = this.#o.webhooks;
        await adapter.start(ctx);
        failures = 0;
        const now = this.#o.clock.now();
        // Starting proved the platform reachable: whatever failed during start is history.
        this.#liveness.clear();
        this.#adapter = adapter;
        // start() resolves once receiving, or once waiting for a login (WhatsApp's QR): trust what
        // the adapter said about being connected.
        const connected = reportedConnected ?? true;
        if (connected) this.#liveness.wasUp = true;
        this.#set({
          ...workingStatus(),
          healthState: connected ? 'running' : 'awaiting-login',
          connected,
          ...(connected ? { lastConnectedAt: now } : {}),
        });
        this.#o.onAdapter(adapter);
        log.info(tag, 'channel account connected');
        outcome = await Promise.race([this.#stop.promise, failed.promise, this.#watchLease()]);
      } catch (error) {
        outcome = error;
      }
      live = false;
      this.#adapter = undefined;
      this.#liveness.clear();
      this.#o.onAdapter(undefined);
      if (outcome === LOST_LEASE) this.leaseToken = 0;
      controller.abort();
      if (adapter) {
        await adapter
          .stop()
          .catch((error: unknown) => log.warn({ ...tag, err: error }, 'adapter stop failed'));
      }
      const now = this.#o.clock.now();
      if (outcome === STOP) break;
      if (outcome === LOST_LEASE) {
        this.#set({
          connected: false,
          lastDisconnect: { at: now, reason: 'lease taken by another gateway' },
        });
        continue;
      }
      const message = this.#text(outcome);
      const failingSince = this.status.failingSince ?? now;
      if (outcome instanceof NonRetryableChannelError) {
        log.error({ ...tag, code: outcome.code, err: message }, `channel account stopped: ${outcome.action}`);
        this.#wanted = false;
        this.#set({
          healthState: outcome.state,
          connected: false,
          running: false,
          lastError: message,
          lastErrorAt: now,
          failingSince,
          action: outcome.action,
          lastStopAt: now,
          lastDisconnect: { at: now, reason: message },
        });
        await this.#o.lease.release().catch(() => {});
        return;
      }
      failures++;
      const { delayMs, circuitOpen } = restartDelay(this.#o.backoff, failures);
      log.warn(
        { ...tag, err: message, attempt: failures, retryInMs: delayMs, circuitOpen },
        'channel account dropped',
      );
      this.#set({
        // An account that ran before is in an outage; one that never came up is still trying to start.
        healthState: this.#liveness.wasUp ? 'degraded' : 'backoff',
        connected: false,
        lastError: message,
        lastErrorAt: now,
        failingSince,
        reconnectAttempts: failures,
        lastDisconnect: { at: now, reason: message },
      });
      await this.#sleep(delayMs);
    }
    await this.#o.lease.release().catch(() => {});
    this.leaseToken = 0;
    this.#set({
      running: false,
      connected: false,
      healthState: 'stopped',
      failingSince: null,
      lastStopAt: this.#o.clock.now(),
    });
  }

  #text(error: unknown): string {
    return errorText(error, this.#secrets);
  }

  /** Renews the lease while running; resolves LOST_LEASE if another gateway took it. */
  async #watchLease(): Promise<typeof LOST_LEASE> {
    const every = Math.max(100, Math.floor(this.#o.lease.ttlMs / 3));
    for (;;) {
      await this.#sleep(every);
      // Stopping wakes the sleep; the race in #run has already seen STOP.
      if (!this.#wanted) return new Promise<never>(() => {});
      // A backend outage is not a lost lease: keep serving; the owner check before each send fences.
      const r = await this.#o.lease
        .acquire()
        .catch(() => ({ acquired: true, holder: '', token: this.leaseToken }));
      if (!r.acquired || r.token !== this.leaseToken) return LOST_LEASE;
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#wake = undefined;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  #set(patch: Partial<AccountRuntimeStatus>): void {
    Object.assign(this.status, patch);
    if (this.status.healthState !== 'starting') for (const w of [...this.#settleWaiters]) w();
    this.#o.onStatus(this.status);
  }
}
