import { NonRetryableChannelError } from '../channel/errors.ts';
import type {
  AdapterContext,
  ChannelAdapter,
  ChannelProvider,
  InboundEnvelope,
  WebhookRegistrar,
} from '../channel/types.ts';
import type { Logger } from '../logging/logger.ts';
import type { Clock } from '../util/clock.ts';
import type { ResolvedAccount } from './account-config.ts';

export type HealthState =
  | 'awaiting-login'
  | 'stopped'
  | 'starting'
  | 'running'
  | 'backoff'
  | 'failed'
  | 'needs-action'
  | 'held-elsewhere'
  | 'not-configured'
  | 'disabled';

/** Everything an operator needs to know about one account, kept by its supervisor. */
export interface AccountRuntimeStatus {
  channel: string;
  accountId: string;
  name?: string | undefined;
  enabled: boolean;
  configured: boolean;
  running: boolean;
  connected: boolean;
  healthState: HealthState;
  self?: { id: string; name?: string | undefined; username?: string | undefined } | undefined;
  mode?: string | undefined;
  reconnectAttempts: number;
  lastStartAt: number | null;
  lastStopAt: number | null;
  lastConnectedAt: number | null;
  lastDisconnect?: { at: number; reason: string } | undefined;
  lastInboundAt: number | null;
  lastOutboundAt: number | null;
  lastError: string | null;
  /** What the operator should do (non-retryable failures). */
  action?: string | undefined;
  /** Another gateway's id when it holds this account's lease. */
  heldBy?: string | undefined;
}

export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  /** Consecutive failures after which the circuit opens. */
  circuitAfter: number;
  /** How long an open circuit waits before one trial start. */
  circuitOpenMs: number;
}

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
  /** The adapter while it is up and owned (undefined when it goes away). */
  onAdapter(adapter: ChannelAdapter | undefined): void;
  onStatus(status: AccountRuntimeStatus): void;
  webhooks?: WebhookRegistrar | undefined;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

const STOP = Symbol('stop');
const LOST_LEASE = Symbol('lost-lease');

/**
 * One per (channel, account): owns the adapter's life. Takes the account's lease, starts the
 * adapter, restarts it with capped, jittered backoff when it drops, opens a circuit after
 * repeated failures, and turns non-retryable failures into an actionable status instead of a
 * loop. Nothing an adapter throws escapes it.
 */
export class AccountSupervisor {
  readonly status: AccountRuntimeStatus;
  readonly #o: SupervisorOptions;
  #wanted = false;
  #loop: Promise<void> | undefined;
  #stop = deferred<typeof STOP>();
  #wake: (() => void) | undefined;
  #adapter: ChannelAdapter | undefined;
  /** The fencing token of the lease this supervisor holds (0 when none). */
  leaseToken = 0;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    const a = options.account;
    this.status = {
      channel: a.channel,
      accountId: a.core.accountId,
      name: a.core.name,
      enabled: a.core.enabled,
      configured: a.configured,
      running: false,
      connected: false,
      healthState: !a.core.enabled ? 'disabled' : a.configured ? 'stopped' : 'not-configured',
      reconnectAttempts: 0,
      lastStartAt: null,
      lastStopAt: null,
      lastConnectedAt: null,
      lastInboundAt: null,
      lastOutboundAt: null,
      lastError: null,
    };
  }

  get adapter(): ChannelAdapter | undefined {
    return this.#adapter;
  }

  get account(): ResolvedAccount {
    return this.#o.account;
  }

  start(): void {
    if (this.#wanted) return;
    if (!this.status.configured) {
      this.#set({ healthState: 'not-configured', lastError: 'missing credentials in config' });
      return;
    }
    this.#wanted = true;
    this.#stop = deferred();
    this.#set({ running: true, lastStartAt: this.#o.clock.now(), reconnectAttempts: 0, action: undefined });
    this.#loop = this.#run().catch((error: unknown) => {
      this.#o.log.error(
        { err: error, channel: this.status.channel, accountId: this.status.accountId },
        'supervisor crashed',
      );
      this.#set({ running: false, healthState: 'failed', lastError: String(error) });
    });
  }

  async stop(): Promise<void> {
    this.#wanted = false;
    this.#stop.resolve(STOP);
    this.#wake?.();
    await this.#loop;
    this.#loop = undefined;
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
      this.#set({ heldBy: undefined, healthState: 'starting' });
      const failed = deferred<unknown>();
      const controller = new AbortController();
      let reportedConnected: boolean | undefined;
      let adapter: ChannelAdapter | undefined;
      let outcome: unknown;
      try {
        adapter = provider.create(account.provider, account.core.accountId);
        const ctx: AdapterContext = {
          channel: account.channel,
          accountId: account.core.accountId,
          config: account.provider,
          stateDir: this.#o.stateDir,
          signal: controller.signal,
          log: log.child(tag),
          emit: (env) => this.#o.emit(env),
          status: (patch) => {
            const p: Partial<AccountRuntimeStatus> = {};
            if (patch.connected !== undefined) {
              reportedConnected = patch.connected;
              p.connected = patch.connected;
              // A linked-device account waiting for its QR scan, and the moment it links.
              if (this.#adapter) {
                p.healthState = patch.connected
                  ? 'running'
                  : patch.mode === 'awaiting-login'
                    ? 'awaiting-login'
                    : 'backoff';
                if (patch.connected) p.lastConnectedAt = this.#o.clock.now();
              }
            }
            if (patch.self) p.self = patch.self;
            if (patch.mode) p.mode = patch.mode;
            if (patch.lastError) p.lastError = patch.lastError;
            this.#set(p);
          },
          fail: (error) => failed.resolve(error ?? new Error('receive loop ended')),
        };
        if (this.#o.webhooks) ctx.webhooks = this.#o.webhooks;
        await adapter.start(ctx);
        failures = 0;
        const now = this.#o.clock.now();
        this.#adapter = adapter;
        // start() resolves once receiving, or once waiting for a login (WhatsApp's QR): trust what
        // the adapter said about being connected.
        const connected = reportedConnected ?? true;
        this.#set({
          healthState: connected ? 'running' : 'awaiting-login',
          connected,
          ...(connected ? { lastConnectedAt: now } : {}),
          reconnectAttempts: 0,
          lastError: null,
        });
        this.#o.onAdapter(adapter);
        log.info(tag, 'channel account connected');
        outcome = await Promise.race([this.#stop.promise, failed.promise, this.#watchLease()]);
      } catch (error) {
        outcome = error;
      }
      this.#adapter = undefined;
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
      const message = outcome instanceof Error ? outcome.message : String(outcome);
      if (outcome instanceof NonRetryableChannelError) {
        log.error({ ...tag, code: outcome.code, err: message }, `channel account stopped: ${outcome.action}`);
        this.#wanted = false;
        this.#set({
          healthState: outcome.state,
          connected: false,
          running: false,
          lastError: message,
          action: outcome.action,
          lastStopAt: now,
          lastDisconnect: { at: now, reason: message },
        });
        await this.#o.lease.release().catch(() => {});
        return;
      }
      failures++;
      const { baseMs, maxMs, circuitAfter, circuitOpenMs } = this.#o.backoff;
      const open = failures >= circuitAfter;
      const delay = open ? circuitOpenMs : Math.min(maxMs, baseMs * 2 ** (failures - 1));
      const jittered = open ? delay : Math.round(delay * (0.8 + Math.random() * 0.4));
      log.warn(
        { ...tag, err: message, attempt: failures, retryInMs: jittered, circuitOpen: open },
        'channel account dropped',
      );
      this.#set({
        healthState: 'backoff',
        connected: false,
        lastError: message,
        reconnectAttempts: failures,
        lastDisconnect: { at: now, reason: message },
      });
      await this.#sleep(jittered);
    }
    await this.#o.lease.release().catch(() => {});
    this.leaseToken = 0;
    this.#set({ running: false, connected: false, healthState: 'stopped', lastStopAt: this.#o.clock.now() });
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
    this.#o.onStatus(this.status);
  }
}
