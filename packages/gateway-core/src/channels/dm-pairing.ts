import { type ChannelPairingRequest, gatewayError } from '@openclaw/protocol';
import type { Store } from '../store/types.ts';
import type { Clock } from '../util/clock.ts';
import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from './access-control.ts';
import type { AccountTable } from './account-table.ts';
import type { Outbox } from './outbox.ts';

export interface DmPairingOptions {
  table: AccountTable;
  store: Store;
  clock: Clock;
  /** Where the approval notice to the sender goes. */
  replies: Pick<Outbox, 'enqueue'>;
}

/**
 * `channels.pairing.*`: the codes unknown DM senders were given (see ChannelInbound), approved
 * into the account's allowlist or dismissed by an operator.
 */
export class DmPairing {
  readonly #o: DmPairingOptions;

  constructor(options: DmPairingOptions) {
    this.#o = options;
  }

  async list(filter: { channel?: string | undefined; accountId?: string | undefined }) {
    const { table } = this.#o;
    const now = this.#o.clock.now();
    const pending = await this.#o.store.channelAccess.listPending(now, {
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.accountId ? { accountId: filter.accountId } : {}),
    });
    const accounts = table
      .all()
      .filter(
        (s) =>
          s.account.core.dmPolicy === 'pairing' && (!filter.channel || s.account.channel === filter.channel),
      )
      .map((s) => ({
        channel: s.account.channel,
        channelLabel: table.label(s.account.channel),
        accountId: s.account.core.accountId,
        notifySupported: true,
      }));
    const requests: ChannelPairingRequest[] = pending.map((r) => ({
      requestId: r.code,
      channel: r.channel,
      channelLabel: table.label(r.channel),
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

  async approve(p: { channel: string; accountId: string; requestId: string; notify?: boolean | undefined }) {
    const access = this.#o.store.channelAccess;
    const code = p.requestId.trim().toUpperCase();
    const now = this.#o.clock.now();
    const pending = await access.getPending(p.channel, p.accountId, code, now);
    if (!pending) {
      throw gatewayError(
        'NOT_FOUND',
        'CHANNEL_PAIRING_UNKNOWN',
        `no pending pairing code ${code} on ${p.channel}/${p.accountId} (expired?)`,
      );
    }
    await access.addAllowFrom(p.channel, p.accountId, pending.senderId, now);
    await access.resolveRequest(p.channel, p.accountId, code, 'approved');
    let notification: 'not-requested' | 'sent' | 'unsupported' | 'failed' = 'not-requested';
    if (p.notify) {
      try {
        await this.#o.replies.enqueue({
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

  async dismiss(p: { channel: string; accountId: string; requestId: string }) {
    const code = p.requestId.trim().toUpperCase();
    const r = await this.#o.store.channelAccess.resolveRequest(p.channel, p.accountId, code, 'dismissed');
    if (!r) throw gatewayError('NOT_FOUND', 'CHANNEL_PAIRING_UNKNOWN', `no pending pairing code ${code}`);
    return { requestId: code, senderId: r.senderId };
  }
}
