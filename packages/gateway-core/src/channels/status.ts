import type { ChannelAccountStatus, ChannelsStatusResult } from '@openclaw/protocol';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import type { AccountTable } from './account-table.ts';
import { accountSecrets, errorText } from './error-text.ts';
import type { Outbox } from './outbox.ts';
import type { AccountRuntimeStatus, AccountSupervisor } from './supervisor.ts';

const PROBE_DEFAULT_MS = 5000;
const PROBE_MAX_MS = 30_000;

type Probe = NonNullable<ChannelAccountStatus['probe']>;

export interface ChannelStatusOptions {
  table: AccountTable;
  store: Store;
  clock: Clock;
  /** How many sends each account has queued. */
  outbox: Pick<Outbox, 'queued'>;
}

/**
 * What operators see of the accounts: `channels.status` (optionally probing each platform),
 * the per-account record every `channels.*` answer carries, and the summary health reads. Secrets
 * the accounts resolved never appear in it.
 */
export class ChannelStatus {
  readonly #o: ChannelStatusOptions;

  constructor(options: ChannelStatusOptions) {
    this.#o = options;
  }

  async report(
    filter?: string,
    options: { probe?: boolean | undefined; timeoutMs?: number | undefined } = {},
  ): Promise<ChannelsStatusResult> {
    const { table } = this.#o;
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
    for (const p of table.providers) {
      const id = p.id;
      if (filter && id !== filter) continue;
      const accounts = table.all().filter((s) => s.account.channel === id);
      if (accounts.length === 0 && !table.configErrors.has(id)) continue;
      result.channelOrder.push(id);
      result.channelLabels[id] = p.label;
      result.channelAccounts[id] = accounts.map((s) => {
        const st = this.account(s);
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
        ...(table.configErrors.has(id) ? { configError: table.configErrors.get(id) } : {}),
      };
    }
    (result.channels as Record<string, unknown>).outbox = counts;
    return result;
  }

  /** For health: connected/total over enabled accounts. */
  summary(): { connected: number; total: number; accounts: AccountRuntimeStatus[] } {
    const { table } = this.#o;
    const accounts = table
      .all()
      .filter((s) => s.account.core.enabled)
      .map((s) =>
        s.status.lastError ? { ...s.status, lastError: table.scrub(s.status.lastError) } : s.status,
      );
    return { connected: accounts.filter((a) => a.connected).length, total: accounts.length, accounts };
  }

  /** One account as the `channels.*` methods report it. */
  account(s: AccountSupervisor): ChannelAccountStatus {
    const { table } = this.#o;
    const st = s.status;
    const out: ChannelAccountStatus = {
      accountId: st.accountId,
      enabled: st.enabled,
      configured: st.configured,
      running: st.running,
      connected: st.connected,
      reconnectAttempts: st.reconnectAttempts,
      lastConnectedAt: st.lastConnectedAt,
      lastError: table.scrub(st.lastError),
      lastErrorAt: st.lastErrorAt,
      failingSince: st.failingSince,
      healthState: st.healthState,
      lastStartAt: st.lastStartAt,
      lastStopAt: st.lastStopAt,
      lastInboundAt: st.lastInboundAt,
      lastOutboundAt: st.lastOutboundAt,
      dmPolicy: s.account.core.dmPolicy,
      allowFrom: s.account.core.allowFrom,
      queued: this.#o.outbox.queued(st.channel, st.accountId),
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
      out.lastDisconnect = { ...st.lastDisconnect, reason: table.scrub(st.lastDisconnect.reason) ?? '' };
    return out;
  }

  /**
   * Probe each account (running or not) against its platform, in parallel, each within
   * `timeoutMs`. A probe reports; it changes no state.
   */
  async #probeAll(
    filter: string | undefined,
    timeoutMs = PROBE_DEFAULT_MS,
  ): Promise<Map<AccountSupervisor, { at: number; result: Probe }>> {
    const budget = Math.min(Math.max(timeoutMs, 100), PROBE_MAX_MS);
    const list = this.#o.table
      .all()
      .filter((s) => (!filter || s.account.channel === filter) && s.status.configured);
    const out = new Map<AccountSupervisor, { at: number; result: Probe }>();
    await Promise.all(
      list.map(async (s) => {
        const at = this.#o.clock.now();
        out.set(s, { at, result: await this.#probe(s, budget) });
      }),
    );
    return out;
  }

  async #probe(s: AccountSupervisor, budget: number): Promise<Probe> {
    const t0 = performance.now();
    const provider = this.#o.table.provider(s.account.channel)!;
    const secrets = accountSecrets(provider, s.account.provider);
    try {
      // A stopped or failing account has no adapter: a fresh one (never started) can still probe.
      const adapter = s.adapter ?? (await provider.create(s.account.provider, s.account.core.accountId));
      if (!adapter.probe) return { ok: false, elapsedMs: 0, error: `${provider.label} has no probe` };
      const r = await withDeadline(adapter.probe(budget), budget + 1000);
      const result: Probe = { ok: r.ok, elapsedMs: Math.round(performance.now() - t0) };
      if (r.error) result.error = errorText(r.error, secrets);
      if (r.self?.id) result.self = { id: r.self.id, ...(r.self.name ? { name: r.self.name } : {}) };
      return result;
    } catch (error) {
      return { ok: false, elapsedMs: Math.round(performance.now() - t0), error: errorText(error, secrets) };
    }
  }
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
