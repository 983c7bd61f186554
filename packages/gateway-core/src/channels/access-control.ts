import { randomInt } from 'node:crypto';
import type { ChannelAccessRepo, ChannelPairingRecord } from '../store/types.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { InboundEnvelope } from './sdk/types.ts';

/** No 0/O or 1/I: codes are read aloud and typed from phones. */
export const PAIRING_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
export const PAIRING_CODE_LENGTH = 8;
export const PAIRING_TTL_MS = 60 * 60 * 1000;
export const PAIRING_MAX_PENDING = 3;

export function newPairingCode(): string {
  let s = '';
  for (let i = 0; i < PAIRING_CODE_LENGTH; i++) s += PAIRING_ALPHABET[randomInt(PAIRING_ALPHABET.length)];
  return s;
}

export type AccessDecision =
  /**
   * `allowed`: the sender is on allowFrom or approved by pairing (isAllowed), when it had to be
   * found out (a DM under `allowlist` or `pairing`); absent when it was not looked up.
   */
  | { action: 'accept'; allowed?: true | undefined }
  | { action: 'drop'; reason: string }
  /** Unknown DM sender under `pairing`: reply once with the code (`reply` false when already told). */
  | { action: 'challenge'; request: ChannelPairingRecord; reply: boolean };

/** Who may talk to the bot, per account: dmPolicy for direct chats, groupPolicy and mention gating for groups. */
export class AccessControl {
  readonly #repo: ChannelAccessRepo;
  readonly #now: () => number;
  constructor(repo: ChannelAccessRepo, now: () => number) {
    this.#repo = repo;
    this.#now = now;
  }

  async decide(env: InboundEnvelope, cfg: CoreAccountConfig): Promise<AccessDecision> {
    if (env.sender.isSelf) return { action: 'drop', reason: 'own message' };
    if (env.chat.kind === 'direct') return this.#direct(env, cfg);
    return this.#group(env, cfg);
  }

  async isAllowed(channel: string, cfg: CoreAccountConfig, senderId: string): Promise<boolean> {
    if (cfg.allowFrom.includes('*') || cfg.allowFrom.includes(senderId)) return true;
    return (await this.#repo.allowFrom(channel, cfg.accountId)).includes(senderId);
  }

  async #direct(env: InboundEnvelope, cfg: CoreAccountConfig): Promise<AccessDecision> {
    switch (cfg.dmPolicy) {
      case 'disabled':
        return { action: 'drop', reason: 'direct messages disabled' };
      case 'open':
        return { action: 'accept' };
      case 'allowlist':
        return (await this.isAllowed(env.channel, cfg, env.sender.id))
          ? { action: 'accept', allowed: true }
          : { action: 'drop', reason: 'sender not on allowFrom' };
      case 'pairing': {
        if (await this.isAllowed(env.channel, cfg, env.sender.id)) return { action: 'accept', allowed: true };
        const now = this.#now();
        const existing = await this.#repo.findPendingBySender(env.channel, env.accountId, env.sender.id, now);
        if (existing) {
          await this.#repo.putRequest({ ...existing, lastSeenAtMs: now });
          return { action: 'challenge', request: existing, reply: false };
        }
        const pending = await this.#repo.listPending(now, { channel: env.channel, accountId: env.accountId });
        if (pending.length >= PAIRING_MAX_PENDING)
          return { action: 'drop', reason: 'too many pending pairing requests' };
        const request: ChannelPairingRecord = {
          channel: env.channel,
          accountId: env.accountId,
          code: newPairingCode(),
          senderId: env.sender.id,
          senderLabel: env.sender.name ?? env.sender.username ?? env.sender.id,
          status: 'pending',
          createdAtMs: now,
          lastSeenAtMs: now,
          expiresAtMs: now + PAIRING_TTL_MS,
        };
        await this.#repo.putRequest(request);
        return { action: 'challenge', request, reply: true };
      }
    }
  }

  #group(env: InboundEnvelope, cfg: CoreAccountConfig): AccessDecision {
    const group = cfg.groups[env.chat.id];
    if (cfg.groupPolicy === 'disabled' || group?.enabled === false)
      return { action: 'drop', reason: 'groups disabled' };
    if (cfg.groupPolicy === 'allowlist' && !cfg.groupAllowFrom.includes(env.chat.id) && !group) {
      return { action: 'drop', reason: 'group not on groupAllowFrom' };
    }
    return mentionGate(env, group?.requireMention ?? cfg.requireMention);
  }
}

/** In groups the bot answers only when addressed: a mention, or a reply to one of its messages. */
export function mentionGate(env: InboundEnvelope, requireMention: boolean): AccessDecision {
  if (!requireMention) return { action: 'accept' };
  if (env.mentions.bot || env.mentions.implicit) return { action: 'accept' };
  return { action: 'drop', reason: 'not mentioned' };
}

/** The text a sender gets with their code. */
export function pairingChallengeText(code: string, channel: string, channelLabel: string): string {
  return [
    `Hi! This ${channelLabel} bot only answers people its owner approved.`,
    `Your pairing code: ${code}`,
    `Ask the owner to run: openclaw pairing approve ${channel} ${code}`,
    'The code expires in one hour.',
  ].join('\n');
}
