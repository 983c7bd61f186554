import { join } from 'node:path';
import type {
  ChannelAccountStatus,
  ChannelPairingRequest,
  ChannelsStatusResult,
  SendParams,
  SendResult,
  WebLoginState,
} from '@openclaw/protocol';
import { type DetailCode, gatewayError, secretValues } from '@openclaw/protocol';
import type {
  ChannelAdapter,
  ChannelProvider,
  InboundEnvelope,
  InboundUpdate,
  LoginState,
  WebhookRegistrar,
} from '../channel/types.ts';
import type { Logger } from '../logging/logger.ts';
import type { MediaStore } from '../media/media-store.ts';
import { sendMediaInputs, storeMedia } from '../media/send-media.ts';
import type { SessionRouter } from '../sessions/session-router.ts';
import type { OutboxMedia, OutboxRecord, SessionMessageRecord, Store, StoredMedia } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import {
  AccessControl,
  PAIRING_MAX_PENDING,
  PAIRING_TTL_MS,
  pairingChallengeText,
} from './access-control.ts';
import { ChannelConfigError, type ResolvedAccount, resolveAccounts } from './account-config.ts';
import { accountSecrets, errorText } from './error-text.ts';
import { createInboundUpdates } from './inbound-updates.ts';
import { Outbox, OutboxError, type OutboxRetryPolicy } from './outbox.ts';
import { type AccountRuntimeStatus, AccountSupervisor, type BackoffPolicy } from './supervisor.ts';

export interface ChannelManagerOptions {
  store: Store;
  clock: Clock;
  log: Logger;
  /** The outbox's own logger (`component: outbox`); default `log`. */
  outboxLog?: Logger | undefined;
  providers: ChannelProvider[];
  /** The `channels` section of the config. */
  config: () => Record<string, unknown>;
  stateDir: string;
  /** This gateway's id: the lease holder name. */
  gatewayId: string;
  sessions: () => SessionRouter;
  webhooks?: WebhookRegistrar | undefined;
  leaseTtlMs?: number;
  backoff?: Partial<BackoffPolicy>;
  outboxRetry?: Partial<OutboxRetryPolicy>;
  inDoubt?: () => 'resend' | 'skip';
  /** Called when an account's status changes (health events). */
  onStatusChange?: () => void;
  /** A send was queued (the cluster tells the account's owner). */
  onEnqueue?: (id: string, channel: string, accountId: string) => void;
  /** Linking progress of a device account (QR rotations), for `web.login` events. */
  onLogin?: (state: WebLoginState) => void;
  /**
   * The secret values the accounts resolved to (from config, env or token files), told before
   * any account starts, so the log scrubber knows them before an adapter can log one.
   */
  onSecrets?: (values: string[]) => void;
  /** Where sent media is stored and streamed from. */
  media?: MediaStore | undefined;
  /** Inbound media into the store (and transcripts) before the message reaches its session. */
  inboundMedia?: (env: InboundEnvelope) => Promise<StoredMedia[]>;
  /** A stored message changed (an edit, a delete or a reaction on the platform). */
  onMessageUpdated?: (message: SessionMessageRecord) => void;
}

/** Reconnect backoff of a dropped account unless tuned (jittered ±20 % per attempt). */
export const DEFAULT_BACKOFF: BackoffPolicy = {
  baseMs: 1000,
  maxMs: 60_000,
  circuitAfter: 10,
  circuitOpenMs: 5 * 60_000,
};
const INBOUND_DEDUPE_MS = 7 * 24 * 3600_000;
const PROBE_DEFAULT_MS = 5000;
const PROBE_MAX_MS = 30_000;
const START_WAIT_DEFAULT_MS = 10_000;
const START_WAIT_MAX_MS = 60_000;

const key = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;

/**
 * Owns every channel account: resolves them from config, runs one supervisor per account,
 * takes inbound messages through dedupe, access control and mention gating into the sessions,
 * and sends everything out through the durable outbox.
 */
export class ChannelManager {
  readonly outbox: Outbox;
  readonly access: AccessControl;
  readonly #o: ChannelManagerOptions;
  readonly #providers = new Map<string, ChannelProvider>();
  readonly #supervisors = new Map<string, AccountSupervisor>();
  readonly #configErrors = new Map<string, string>();
  readonly #unsubscribeLogin = new Map<string, () => void>();
  /** The accounts' secrets, longest first: platform errors (a URL with the token in it) must not carry them out. */
  #secrets: string[] = [];
  readonly #updates: (event: InboundUpdate) => Promise<void>;
  #closed = false;

  constructor(options: ChannelManagerOptions) {
    this.#o = options;
    for (const p of options.providers) this.#providers.set(p.id, p);
    this.access = new AccessControl(options.store.channelAccess, () => options.clock.now());
    this.#updates = createInboundUpdates({
      store: options.store,
      clock: options.clock,
      log: options.log,
      onUpdated: (m) => options.onMessageUpdated?.(m),
    });
    this.outbox = new Outbox({
      store: options.store,
      clock: options.clock,
      // A child of `log` would carry `component` twice (pino appends bindings, it never replaces).
      log: options.outboxLog ?? options.log,
      capabilities: (channel) => this.#providers.get(channel)?.capabilities,
      account: (channel, accountId) => this.#supervisors.get(key(channel, accountId))?.account.core,
      inDoubt: options.inDoubt ?? (() => 'resend'),
      retry: options.outboxRetry,
      onChange: (r) => this.#onOutboxChange(r),
      onEnqueue: (r) => options.onEnqueue?.(r.id, r.channel, r.accountId),
      owns: (channel, accountId) => this.owns(channel, accountId),
      media: options.media,
      onSendResult: (channel, accountId, error) => {
        const sup = this.#supervisors.get(key(channel, accountId));
        if (error === undefined) sup?.noteSuccess('send');
        else sup?.noteFailure('send', error);
      },
    });
  }

  /** The adapter serving an account on this gateway, if it does. */
  adapterOf(channel: string, accountId: string): ChannelAdapter | undefined {
    return this.#supervisors.get(key(channel, accountId))?.adapter;
  }

  get providers(): ChannelProvider[] {
    return [...this.#providers.values()];
  }

  /** Every secret of every resolved account, as marked in its provider's config schema. */
  secretValues(): string[] {
    const out: string[] = [];
    for (const s of this.#supervisors.values()) {
      const provider = this.#providers.get(s.account.channel);
      if (provider) out.push(...secretValues(provider.configSchema, s.account.provider));
    }
    return out;
  }

  /** Resolve accounts, resume the outbox, start what is enabled. */
  async start(): Promise<void> {
    this.#resolveAccounts();
    await this.outbox.start();
    for (const s of this.#supervisors.values()) if (s.account.core.enabled) s.start();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.outbox.close();
    await Promise.allSettled([...this.#supervisors.values()].map((s) => s.stop()));
  }

  /**
   * One supervisor per configured account. Channels are read once, at start (changing them needs
   * a restart, like the set of providers loaded); a channel whose config is invalid is reported
   * and left out, the others start.
   */
  #resolveAccounts(): void {
    const raw = this.#o.config();
    for (const [channel, provider] of this.#providers) {
      let accounts: ResolvedAccount[];
      try {
        accounts = resolveAccounts(channel, raw[channel], provider);
      } catch (error) {
        const message = error instanceof ChannelConfigError ? error.message : String(error);
        this.#configErrors.set(channel, message);
        this.#o.log.error({ channel, err: message }, 'channel config invalid; its accounts are not started');
        continue;
      }
      for (const account of accounts) {
        this.#supervisors.set(key(channel, account.core.accountId), this.#newSupervisor(provider, account));
      }
    }
    this.#secrets = [...new Set(this.secretValues())]
      .filter((v) => v.length >= 6)
      .sort((a, b) => b.length - a.length);
    this.#o.onSecrets?.(this.secretValues());
    for (const c of unknownChannels(raw, this.#providers)) {
      this.#o.log.warn({ channel: c }, 'config names a channel this gateway has no provider for');
    }
  }

  #newSupervisor(provider: ChannelProvider, account: ResolvedAccount): AccountSupervisor {
    const { channel } = account;
    const accountId = account.core.accountId;
    const leaseName = `channel:${channel}:${accountId}`;
    const ttlMs = this.#o.leaseTtlMs ?? 15_000;
    return new AccountSupervisor({
      provider,
      account,
      stateDir: join(this.#o.stateDir, 'channels', channel, accountId),
      log: this.#o.log,
      clock: this.#o.clock,
      backoff: { ...DEFAULT_BACKOFF, ...this.#o.backoff },
      lease: {
        ttlMs,
        acquire: async () => {
          const r = await this.#o.store.leases.acquire(
            leaseName,
            this.#o.gatewayId,
            ttlMs,
            this.#o.clock.now(),
          );
          return { acquired: r.acquired, holder: r.lease.holder, token: r.lease.token };
        },
        release: async () => {
          await this.#o.store.leases.release(leaseName, this.#o.gatewayId);
        },
      },
      emit: (env) => this.handleInbound(env),
      update: this.#updates,
      onAdapter: (adapter: ChannelAdapter | undefined) => {
        this.outbox.setAdapter(channel, accountId, adapter);
        this.#unsubscribeLogin.get(key(channel, accountId))?.();
        this.#unsubscribeLogin.delete(key(channel, accountId));
        if (adapter?.onLoginEvent && this.#o.onLogin) {
          const publish = this.#o.onLogin;
          this.#unsubscribeLogin.set(
            key(channel, accountId),
            adapter.onLoginEvent((state) => publish(toWebLoginState(accountId, state))),
          );
        }
      },
      onStatus: () => this.#o.onStatusChange?.(),
      webhooks: this.#o.webhooks,
    });
  }

  /** The running adapter of an account on this gateway, if any (message actions beyond send). */
  liveAdapter(channel: string, accountId: string): ChannelAdapter | undefined {
    return this.#supervisors.get(key(channel, accountId))?.adapter;
  }

  /**
   * Fencing: true only while this gateway holds the account's lease with the token it started
   * the adapter under. A stale owner (paused, partitioned) that comes back finds a newer token.
   */
  async owns(channel: string, accountId: string): Promise<boolean> {
    const sup = this.#supervisors.get(key(channel, accountId));
    if (!sup?.adapter || sup.leaseToken === 0) return false;
    const lease = await this.#o.store.leases.get(`channel:${channel}:${accountId}`);
    return (
      lease !== undefined &&
      lease.holder === this.#o.gatewayId &&
      lease.token === sup.leaseToken &&
      lease.expiresAtMs > this.#o.clock.now()
    );
  }

  // ── inbound ──────────────────────────────────────────────────────────────────

  /** dedupe → access control / pairing → mention gate → session. */
  async handleInbound(env: InboundEnvelope): Promise<void> {
    const sup = this.#supervisors.get(key(env.channel, env.accountId));
    if (!sup) return;
    const now = this.#o.clock.now();
    sup.noteInbound(now);
    const fresh = await this.#o.store.channelAccess.markInboundSeen(
      `${env.channel}|${env.accountId}|${env.chat.id}|${env.id}`,
      now,
    );
    // Platforms retry (and redeliver what a crashed gateway had not confirmed): a message seen
    // before goes through the same idempotent steps, which finish it if it was cut short and
    // change nothing if it was not.
    if (!fresh)
      this.#o.log.debug({ channel: env.channel, id: env.id }, 'inbound seen before; replaying idempotently');
    const decision = await this.access.decide(env, sup.account.core);
    switch (decision.action) {
      case 'drop':
        this.#o.log.debug(
          { channel: env.channel, chat: env.chat.id, reason: decision.reason },
          'inbound dropped',
        );
        return;
      case 'challenge': {
        this.#o.log.info(
          {
            channel: env.channel,
            accountId: env.accountId,
            sender: env.sender.id,
            code: decision.request.code,
          },
          'unknown DM sender: pairing code issued',
        );
        if (decision.reply) {
          const label = this.#providers.get(env.channel)?.label ?? env.channel;
          await this.outbox.enqueue({
            channel: env.channel,
            accountId: env.accountId,
            chatId: env.chat.id,
            text: pairingChallengeText(decision.request.code, env.channel, label),
            dedupeKey: `pairing|${env.channel}|${env.accountId}|${decision.request.code}`,
          });
        }
        return;
      }
      case 'accept': {
        const media = env.media.length ? await this.#o.inboundMedia?.(env) : undefined;
        await this.#o.sessions().inbound(env, { replay: !fresh, ...(media ? { media } : {}) });
      }
    }
  }

  // ── outbound ─────────────────────────────────────────────────────────────────

  async send(params: SendParams, caller: string): Promise<SendResult> {
    const channel = params.channel ?? this.#defaultChannel();
    if (!channel || !this.#providers.has(channel)) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CHANNEL_UNKNOWN',
        `unknown channel: ${channel ?? '(none configured)'}`,
      );
    }
    const accountId = params.accountId ?? 'default';
    if (!this.#supervisors.has(key(channel, accountId))) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CHANNEL_ACCOUNT_UNKNOWN',
        `no account ${accountId} on ${channel}`,
      );
    }
    const inputs = sendMediaInputs(params);
    if (inputs.length && !this.#o.media)
      throw gatewayError('INVALID_REQUEST', 'MEDIA_UNSUPPORTED', 'this gateway has no media store');
    const media: OutboxMedia[] = this.#o.media ? await storeMedia(this.#o.media, inputs) : [];
    try {
      const { record } = await this.outbox.enqueue({
        channel,
        accountId,
        chatId: params.to,
        threadId: params.threadId,
        replyToId: params.replyToId,
        text: params.message,
        media,
        sessionKey: params.sessionKey,
        dedupeKey: `${caller}|send|${params.idempotencyKey}`,
      });
      return toSendResult(record);
    } catch (error) {
      if (error instanceof OutboxError)
        throw gatewayError('INVALID_REQUEST', error.code as DetailCode, error.message);
      throw error;
    }
  }

  /** Reply of a run in a channel session. */
  async deliverReply(
    target: {
      channel: string;
      accountId: string;
      chatId: string;
      threadId?: string | undefined;
      replyToId?: string | undefined;
    },
    text: string,
    sessionKey: string,
    media: OutboxMedia[] = [],
  ): Promise<void> {
    await this.outbox.enqueue({ ...target, text, media, sessionKey });
  }

  // ── status and control ───────────────────────────────────────────────────────

  async status(
    filter?: string,
    options: { probe?: boolean | undefined; timeoutMs?: number | undefined } = {},
  ): Promise<ChannelsStatusResult> {
    const probes = options.probe ? await this.#probeAll(filter, options.timeoutMs) : undefined;
    const result: ChannelsStatusResult = {
      ts: this.#o.clock.now(),
      channelOrder: [],
      channelLabels: {},
      channels: {},
      channelAccounts: {},
      channelDefaultAccountId: {},
    };
    const counts = await this.#o.store.outbox.counts();
    for (const [id, p] of this.#providers) {
      if (filter && id !== filter) continue;
      const accounts = [...this.#supervisors.values()].filter((s) => s.account.channel === id);
      if (accounts.length === 0 && !this.#configErrors.has(id)) continue;
      result.channelOrder.push(id);
      result.channelLabels[id] = p.label;
      result.channelAccounts[id] = accounts.map((s) => {
        const st = this.#accountStatus(s);
        const probe = probes?.get(s);
        if (probe) {
          st.probe = probe.result;
          st.lastProbeAt = probe.at;
        }
        return st;
      });
      result.channelDefaultAccountId[id] = accounts[0]?.account.core.accountId ?? 'default';
      result.channels[id] = {
        configured: accounts.some((s) => s.status.configured),
        running: accounts.some((s) => s.status.running),
        connected: accounts.some((s) => s.status.connected),
        ...(this.#configErrors.has(id) ? { configError: this.#configErrors.get(id) } : {}),
      };
    }
    (result.channels as Record<string, unknown>).outbox = counts;
    return result;
  }

  /** An error text with every account secret in it replaced. */
  #scrub(text: string | null): string | null {
    if (!text) return text;
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  }

  /** For health: connected/total over enabled accounts. */
  summary(): { connected: number; total: number; accounts: AccountRuntimeStatus[] } {
    const accounts = [...this.#supervisors.values()]
      .filter((s) => s.account.core.enabled)
      .map((s) =>
        s.status.lastError ? { ...s.status, lastError: this.#scrub(s.status.lastError) } : s.status,
      );
    return { connected: accounts.filter((a) => a.connected).length, total: accounts.length, accounts };
  }

  /**
   * Probe each account (running or not) against its platform, in parallel, each within
   * `timeoutMs`. A probe reports; it changes no state.
   */
  async #probeAll(
    filter: string | undefined,
    timeoutMs = PROBE_DEFAULT_MS,
  ): Promise<Map<AccountSupervisor, { at: number; result: NonNullable<ChannelAccountStatus['probe']> }>> {
    const budget = Math.min(Math.max(timeoutMs, 100), PROBE_MAX_MS);
    const list = [...this.#supervisors.values()].filter(
      (s) => (!filter || s.account.channel === filter) && s.status.configured,
    );
    const out = new Map<
      AccountSupervisor,
      { at: number; result: NonNullable<ChannelAccountStatus['probe']> }
    >();
    await Promise.all(
      list.map(async (s) => {
        const at = this.#o.clock.now();
        const t0 = performance.now();
        const secrets = accountSecrets(this.#providers.get(s.account.channel)!, s.account.provider);
        let result: NonNullable<ChannelAccountStatus['probe']>;
        try {
          const provider = this.#providers.get(s.account.channel)!;
          // A stopped or failing account has no adapter: a fresh one (never started) can still probe.
          const adapter = s.adapter ?? provider.create(s.account.provider, s.account.core.accountId);
          if (!adapter.probe) {
            result = { ok: false, elapsedMs: 0, error: `${provider.label} has no probe` };
          } else {
            const r = await withDeadline(adapter.probe(budget), budget + 1000);
            result = { ok: r.ok, elapsedMs: Math.round(performance.now() - t0) };
            if (r.error) result.error = errorText(r.error, secrets);
            if (r.self?.id) result.self = { id: r.self.id, ...(r.self.name ? { name: r.self.name } : {}) };
          }
        } catch (error) {
          result = {
            ok: false,
            elapsedMs: Math.round(performance.now() - t0),
            error: errorText(error, secrets),
          };
        }
        out.set(s, { at, result });
      }),
    );
    return out;
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
    const list = this.#select(channel, accountId);
    for (const s of list) {
      if (s.status.running) await s.restart();
      else s.start();
    }
    const wait = Math.min(Math.max(timeoutMs, 0), START_WAIT_MAX_MS);
    await Promise.all(list.map((s) => s.settled(wait)));
    return list.map((s) => this.#accountStatus(s));
  }

  async stopAccounts(channel: string, accountId?: string): Promise<ChannelAccountStatus[]> {
    const list = this.#select(channel, accountId);
    await Promise.all(list.map((s) => s.stop()));
    return list.map((s) => this.#accountStatus(s));
  }

  #select(channel: string, accountId?: string): AccountSupervisor[] {
    if (!this.#providers.has(channel)) {
      throw gatewayError('NOT_FOUND', 'CHANNEL_UNKNOWN', `unknown channel: ${channel}`);
    }
    const list = [...this.#supervisors.values()].filter(
      (s) => s.account.channel === channel && (!accountId || s.account.core.accountId === accountId),
    );
    if (list.length === 0) {
      throw gatewayError(
        'NOT_FOUND',
        'CHANNEL_ACCOUNT_UNKNOWN',
        `no account ${accountId ?? ''} configured on ${channel}`.replace('  ', ' '),
      );
    }
    return list;
  }

  #accountStatus(s: AccountSupervisor): ChannelAccountStatus {
    const st = s.status;
    const out: ChannelAccountStatus = {
      accountId: st.accountId,
      enabled: st.enabled,
      configured: st.configured,
      running: st.running,
      connected: st.connected,
      reconnectAttempts: st.reconnectAttempts,
      lastConnectedAt: st.lastConnectedAt,
      lastError: this.#scrub(st.lastError),
      lastErrorAt: st.lastErrorAt,
      failingSince: st.failingSince,
      healthState: st.healthState,
      lastStartAt: st.lastStartAt,
      lastStopAt: st.lastStopAt,
      lastInboundAt: st.lastInboundAt,
      lastOutboundAt: st.lastOutboundAt,
      dmPolicy: s.account.core.dmPolicy,
      allowFrom: s.account.core.allowFrom,
      queued: this.outbox.queued(st.channel, st.accountId),
    };
    if (st.name) out.name = st.name;
    if (st.mode) out.mode = st.mode;
    if (st.self) {
      const self: NonNullable<ChannelAccountStatus['self']> = { id: st.self.id };
      if (st.self.name) self.name = st.self.name;
      if (st.self.username) self.username = st.self.username;
      out.self = self;
    }
    if (st.action) out.action = st.action;
    if (st.heldBy) out.heldBy = st.heldBy;
    if (st.lastDisconnect)
      out.lastDisconnect = { ...st.lastDisconnect, reason: this.#scrub(st.lastDisconnect.reason) ?? '' };
    return out;
  }

  // ── linked-device accounts (WhatsApp) ──

  /** `web.login.start` / `web.login.wait`: start the account if needed, then ask its adapter. */
  async webLogin(
    kind: 'start' | 'wait',
    p: { accountId?: string | undefined; force?: boolean | undefined; timeoutMs?: number | undefined },
  ): Promise<WebLoginState> {
    const candidates = [...this.#supervisors.values()].filter(
      (s) => s.account.channel === 'whatsapp' && (!p.accountId || s.account.core.accountId === p.accountId),
    );
    const sup = candidates[0];
    if (!sup) {
      throw gatewayError(
        'NOT_FOUND',
        'CHANNEL_ACCOUNT_UNKNOWN',
        `no WhatsApp account${p.accountId ? ` ${p.accountId}` : ''} configured: add channels.whatsapp to the config`,
      );
    }
    const timeoutMs = p.timeoutMs ?? 30_000;
    if (!sup.status.running) sup.start();
    const end = this.#o.clock.now() + timeoutMs;
    while (!sup.adapter && this.#o.clock.now() < end && sup.status.running)
      await new Promise((r) => setTimeout(r, 50));
    const adapter = sup.adapter;
    if (!adapter?.loginStart || !adapter.loginWait) {
      throw gatewayError(
        'UNAVAILABLE',
        'CHANNEL_NOT_RUNNING',
        `the WhatsApp account is not up (${sup.status.healthState}${sup.status.lastError ? `: ${sup.status.lastError}` : ''})`,
        {
          retryable: true,
        },
      );
    }
    const opts: { force?: boolean; timeoutMs?: number } = {
      timeoutMs: Math.max(1000, end - this.#o.clock.now()),
    };
    if (p.force) opts.force = true;
    const state = kind === 'start' ? await adapter.loginStart(opts) : await adapter.loginWait(opts);
    return toWebLoginState(sup.account.core.accountId, state);
  }

  /** `channels.logout`: unlink (where the platform has a linked device) and stop. */
  async logout(channel: string, accountId?: string): Promise<ChannelAccountStatus[]> {
    const list = this.#select(channel, accountId);
    for (const s of list) await s.adapter?.logout?.();
    await Promise.all(list.map((s) => s.stop()));
    return list.map((s) => this.#accountStatus(s));
  }

  // ── DM pairing ───────────────────────────────────────────────────────────────

  async pairingList(filter: { channel?: string | undefined; accountId?: string | undefined }) {
    const now = this.#o.clock.now();
    const pending = await this.#o.store.channelAccess.listPending(now, {
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.accountId ? { accountId: filter.accountId } : {}),
    });
    const accounts = [...this.#supervisors.values()]
      .filter(
        (s) =>
          s.account.core.dmPolicy === 'pairing' && (!filter.channel || s.account.channel === filter.channel),
      )
      .map((s) => ({
        channel: s.account.channel,
        channelLabel: this.#providers.get(s.account.channel)?.label ?? s.account.channel,
        accountId: s.account.core.accountId,
        notifySupported: true,
      }));
    const requests: ChannelPairingRequest[] = pending.map((r) => ({
      requestId: r.code,
      channel: r.channel,
      channelLabel: this.#providers.get(r.channel)?.label ?? r.channel,
      accountId: r.accountId,
      senderId: r.senderId,
      senderLabel: r.senderLabel,
      createdAt: new Date(r.createdAtMs).toISOString(),
      lastSeenAt: new Date(r.lastSeenAtMs).toISOString(),
      expiresAt: new Date(r.expiresAtMs).toISOString(),
      notifySupported: true,
    }));
    return {
      accounts,
      requests,
      commandOwnerConfigured: false,
      limits: { pendingPerAccount: PAIRING_MAX_PENDING, ttlMs: PAIRING_TTL_MS },
    };
  }

  async pairingApprove(p: {
    channel: string;
    accountId: string;
    requestId: string;
    notify?: boolean | undefined;
  }) {
    const code = p.requestId.trim().toUpperCase();
    const now = this.#o.clock.now();
    const pending = await this.#o.store.channelAccess.getPending(p.channel, p.accountId, code, now);
    if (!pending) {
      throw gatewayError(
        'NOT_FOUND',
        'CHANNEL_PAIRING_UNKNOWN',
        `no pending pairing code ${code} on ${p.channel}/${p.accountId} (expired?)`,
      );
    }
    await this.#o.store.channelAccess.addAllowFrom(p.channel, p.accountId, pending.senderId, now);
    await this.#o.store.channelAccess.resolveRequest(p.channel, p.accountId, code, 'approved');
    let notification: 'not-requested' | 'sent' | 'unsupported' | 'failed' = 'not-requested';
    if (p.notify) {
      try {
        await this.outbox.enqueue({
          channel: p.channel,
          accountId: p.accountId,
          chatId: pending.senderId,
          text: 'You are approved: the bot will answer your messages now.',
          dedupeKey: `pairing-approved|${p.channel}|${p.accountId}|${code}`,
        });
        notification = 'sent';
      } catch {
        notification = 'failed';
      }
    }
    return {
      requestId: code,
      senderId: pending.senderId,
      notification,
      commandOwnerBootstrap: 'not-requested' as const,
    };
  }

  async pairingDismiss(p: { channel: string; accountId: string; requestId: string }) {
    const code = p.requestId.trim().toUpperCase();
    const r = await this.#o.store.channelAccess.resolveRequest(p.channel, p.accountId, code, 'dismissed');
    if (!r) throw gatewayError('NOT_FOUND', 'CHANNEL_PAIRING_UNKNOWN', `no pending pairing code ${code}`);
    return { requestId: code, senderId: r.senderId };
  }

  /** Drop old dedupe records and finished outbox rows. */
  async sweep(): Promise<void> {
    const now = this.#o.clock.now();
    await this.#o.store.channelAccess.pruneInbound(now - INBOUND_DEDUPE_MS);
    await this.#o.store.outbox.prune(now - INBOUND_DEDUPE_MS);
  }

  #defaultChannel(): string | undefined {
    for (const s of this.#supervisors.values()) if (s.account.core.enabled) return s.account.channel;
    return undefined;
  }

  #onOutboxChange(r: OutboxRecord): void {
    if (r.status === 'delivered' || r.partsSent > 0) {
      this.#supervisors.get(key(r.channel, r.accountId))?.noteOutbound(r.updatedAtMs);
    }
  }
}

function toWebLoginState(accountId: string, s: LoginState): WebLoginState {
  const out: WebLoginState = { accountId, status: s.status };
  if (s.qr) out.qr = s.qr;
  if (s.qrDataUrl) out.qrDataUrl = s.qrDataUrl;
  if (s.expiresAtMs) out.expiresAtMs = s.expiresAtMs;
  out.message =
    s.status === 'qr'
      ? 'Scan this code in WhatsApp: Settings → Linked devices → Link a device'
      : s.status === 'linked'
        ? `Linked${s.self?.name ? ` as ${s.self.name}` : s.self ? ` as ${s.self.id}` : ''}`
        : s.status === 'expired'
          ? 'The code expired; start again'
          : 'Connecting…';
  return out;
}

function toSendResult(r: OutboxRecord): SendResult {
  const out: SendResult = {
    messageId: r.id,
    channel: r.channel,
    accountId: r.accountId,
    to: r.chatId,
    status: r.status === 'delivered' ? 'delivered' : r.status === 'failed' ? 'failed' : 'queued',
    chunks: r.chunks.length,
  };
  if (r.platformIds.length) out.platformMessageIds = [...r.platformIds];
  return out;
}

/** A probe that never settles must not hold the status answer hostage. */
function withDeadline<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    work,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`probe did not answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function unknownChannels(raw: Record<string, unknown>, providers: Map<string, ChannelProvider>): string[] {
  return Object.keys(raw).filter((c) => !providers.has(c));
}
