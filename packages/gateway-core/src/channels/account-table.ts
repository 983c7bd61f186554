import { gatewayError, secretValues } from '@openclaw/protocol';
import type { OutboxRecord } from '../store/types.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { ChannelAdapter, ChannelCapabilities, ChannelProvider } from './sdk/types.ts';
import type { AccountSupervisor } from './supervisor.ts';

const key = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;

/**
 * Who is configured: the providers this gateway runs and one supervisor per account (added by
 * ChannelAccounts when it resolves the config). The other parts of the channels wing — the outbox,
 * inbound, send, status, pairing, linking — find accounts here.
 */
export class AccountTable {
  readonly #providers = new Map<string, ChannelProvider>();
  readonly #supervisors = new Map<string, AccountSupervisor>();
  /** Channels whose config was refused, with the reason (their accounts are not started). */
  readonly configErrors = new Map<string, string>();
  /** The accounts' secrets, longest first; undefined until first needed after a change. */
  #scrubList: string[] | undefined;

  constructor(providers: readonly ChannelProvider[]) {
    for (const p of providers) this.#providers.set(p.id, p);
  }

  get providers(): ChannelProvider[] {
    return [...this.#providers.values()];
  }

  provider(channel: string): ChannelProvider | undefined {
    return this.#providers.get(channel);
  }

  label(channel: string): string {
    return this.#providers.get(channel)?.label ?? channel;
  }

  capabilities(channel: string): ChannelCapabilities | undefined {
    return this.#providers.get(channel)?.capabilities;
  }

  /** A provider the config started naming while running (its descriptor only; nothing is loaded). */
  addProvider(provider: ChannelProvider): void {
    this.#providers.set(provider.id, provider);
  }

  /** An account the config no longer names (already stopped by the caller). */
  remove(channel: string, accountId: string): void {
    this.#supervisors.delete(key(channel, accountId));
    this.#scrubList = undefined;
  }

  add(supervisor: AccountSupervisor): void {
    const { channel, core } = supervisor.account;
    this.#supervisors.set(key(channel, core.accountId), supervisor);
    this.#scrubList = undefined;
  }

  get(channel: string, accountId: string): AccountSupervisor | undefined {
    return this.#supervisors.get(key(channel, accountId));
  }

  /** The running adapter of an account on this gateway, if any (message actions beyond send). */
  liveAdapter(channel: string, accountId: string): ChannelAdapter | undefined {
    return this.get(channel, accountId)?.adapter;
  }

  /** Every account, in config order (channel by channel). */
  all(): AccountSupervisor[] {
    return [...this.#supervisors.values()];
  }

  /** The core's settings of one account (access control, pacing, chunk limit). */
  core(channel: string, accountId: string): CoreAccountConfig | undefined {
    return this.get(channel, accountId)?.account.core;
  }

  /**
   * The accounts `channels.start/stop/logout` act on: all of `channel`, or the one named. An
   * unknown channel or account is NOT_FOUND.
   */
  select(channel: string, accountId?: string): AccountSupervisor[] {
    if (!this.#providers.has(channel)) {
      throw gatewayError('NOT_FOUND', 'CHANNEL_UNKNOWN', `unknown channel: ${channel}`);
    }
    const list = this.all().filter(
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

  /** The channel of the first enabled account: where `send` goes when it names none. */
  defaultChannel(): string | undefined {
    for (const s of this.#supervisors.values()) if (s.account.core.enabled) return s.account.channel;
    return undefined;
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

  /** `text` with every account secret in it replaced: platform errors (a URL with the token) must not carry them out. */
  scrub(text: string | null): string | null {
    if (!text) return text;
    this.#scrubList ??= [...new Set(this.secretValues())]
      .filter((v) => v.length >= 6)
      .sort((a, b) => b.length - a.length);
    let out = text;
    for (const s of this.#scrubList) if (out.includes(s)) out = out.split(s).join('[redacted]');
    return out;
  }

  /** A send's outcome, for the account's liveness (the outbox reports every platform answer). */
  noteSend(channel: string, accountId: string, error?: unknown): void {
    const sup = this.get(channel, accountId);
    if (error === undefined) sup?.noteSuccess('send');
    else sup?.noteFailure('send', error);
  }

  /** A record changed in the outbox: one that got a part out dates the account's last outbound. */
  noteOutboxChange(r: OutboxRecord): void {
    if (r.status === 'delivered' || r.partsSent > 0)
      this.get(r.channel, r.accountId)?.noteOutbound(r.updatedAtMs);
  }
}
