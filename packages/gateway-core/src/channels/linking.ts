import { type ChannelAccountStatus, gatewayError, type WebLoginState } from '@openclaw/protocol';
import type { Clock } from '../util/clock.ts';
import type { AccountTable } from './account-table.ts';
import type { ChannelAdapter, ChannelCapabilities, LoginState } from './sdk/types.ts';
import type { ChannelStatus } from './status.ts';
import type { AccountSupervisor } from './supervisor.ts';

export interface DeviceLinkingOptions {
  table: AccountTable;
  clock: Clock;
  status: Pick<ChannelStatus, 'account'>;
  /** Linking progress (QR rotations), for `web.login` events. */
  onLogin?: ((state: WebLoginState) => void) | undefined;
}

const key = (channel: string, accountId: string) => `${channel}\u0000${accountId}`;

/**
 * Accounts that link as a device (their provider declares `capabilities.linking`): `web.login.*`
 * asks the running adapter for a QR and waits for the scan, every QR rotation is published, and
 * `channels.logout` unlinks. Which platform that is, the providers say; the core names none.
 */
export class DeviceLinking {
  readonly #o: DeviceLinkingOptions;
  readonly #unsubscribe = new Map<string, () => void>();

  constructor(options: DeviceLinkingOptions) {
    this.#o = options;
  }

  /** An account's adapter came up (or went away): follow its linking events while it lives. */
  adapterChanged(channel: string, accountId: string, adapter: ChannelAdapter | undefined): void {
    const k = key(channel, accountId);
    this.#unsubscribe.get(k)?.();
    this.#unsubscribe.delete(k);
    const publish = this.#o.onLogin;
    if (adapter?.onLoginEvent && publish) {
      this.#unsubscribe.set(
        k,
        adapter.onLoginEvent((state) => publish(toWebLoginState(accountId, state, this.#linking(channel)))),
      );
    }
  }

  /** `web.login.start` / `web.login.wait`: start the account if needed, then ask its adapter. */
  async webLogin(
    kind: 'start' | 'wait',
    p: { accountId?: string | undefined; force?: boolean | undefined; timeoutMs?: number | undefined },
  ): Promise<WebLoginState> {
    const sup = this.#candidates(p.accountId)[0];
    if (!sup) throw this.#noAccount(p.accountId);
    const { clock } = this.#o;
    const label = this.#o.table.label(sup.account.channel);
    const timeoutMs = p.timeoutMs ?? 30_000;
    if (!sup.status.running) sup.start();
    const end = clock.now() + timeoutMs;
    while (!sup.adapter && clock.now() < end && sup.status.running)
      await new Promise((r) => setTimeout(r, 50));
    const adapter = sup.adapter;
    if (!adapter?.loginStart || !adapter.loginWait) {
      throw gatewayError(
        'UNAVAILABLE',
        'CHANNEL_NOT_RUNNING',
        `the ${label} account is not up (${sup.status.healthState}${sup.status.lastError ? `: ${sup.status.lastError}` : ''})`,
        {
          retryable: true,
        },
      );
    }
    const opts: { force?: boolean; timeoutMs?: number } = {
      timeoutMs: Math.max(1000, end - clock.now()),
    };
    if (p.force) opts.force = true;
    const state = kind === 'start' ? await adapter.loginStart(opts) : await adapter.loginWait(opts);
    return toWebLoginState(sup.account.core.accountId, state, this.#linking(sup.account.channel));
  }

  /** `channels.logout`: unlink (where the platform has a linked device) and stop. */
  async logout(channel: string, accountId?: string): Promise<ChannelAccountStatus[]> {
    const list = this.#o.table.select(channel, accountId);
    for (const s of list) await s.adapter?.logout?.();
    await Promise.all(list.map((s) => s.stop()));
    return list.map((s) => this.#o.status.account(s));
  }

  /** Accounts whose provider links as a device, the one named first among them when given. */
  #candidates(accountId: string | undefined): AccountSupervisor[] {
    return this.#o.table
      .all()
      .filter(
        (s) =>
          this.#linking(s.account.channel) !== undefined &&
          (!accountId || s.account.core.accountId === accountId),
      );
  }

  #linking(channel: string): ChannelCapabilities['linking'] {
    return this.#o.table.capabilities(channel)?.linking;
  }

  #noAccount(accountId: string | undefined) {
    const linkable = this.#o.table.providers.filter((p) => p.capabilities.linking);
    const where = linkable.length
      ? `add ${linkable.map((p) => `channels.${p.id}`).join(' or ')} to the config`
      : 'add a channel that links as a device (docs/CHANNELS.md, "Linked devices") to the config';
    return gatewayError(
      'NOT_FOUND',
      'CHANNEL_ACCOUNT_UNKNOWN',
      `no account that links as a device${accountId ? ` (${accountId})` : ''} is configured: ${where}`,
    );
  }
}

function toWebLoginState(
  accountId: string,
  s: LoginState,
  linking: ChannelCapabilities['linking'],
): WebLoginState {
  const out: WebLoginState = { accountId, status: s.status };
  if (s.qr) out.qr = s.qr;
  if (s.qrDataUrl) out.qrDataUrl = s.qrDataUrl;
  if (s.expiresAtMs) out.expiresAtMs = s.expiresAtMs;
  out.message =
    s.status === 'qr'
      ? `Scan this code in ${linking?.scanIn ?? 'the app'}`
      : s.status === 'linked'
        ? `Linked${s.self?.name ? ` as ${s.self.name}` : s.self ? ` as ${s.self.id}` : ''}`
        : s.status === 'expired'
          ? 'The code expired; start again'
          : 'Connecting…';
  return out;
}
