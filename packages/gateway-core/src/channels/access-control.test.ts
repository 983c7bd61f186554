import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import { ManualClock } from '../util/clock.ts';
import { AccessControl, newPairingCode, PAIRING_ALPHABET, PAIRING_TTL_MS } from './access-control.ts';
import type { CoreAccountConfig } from './account-config.ts';
import type { InboundEnvelope } from './sdk/types.ts';

const cfg = (extra: Partial<CoreAccountConfig> = {}): CoreAccountConfig => ({
  accountId: 'default',
  enabled: true,
  dmPolicy: 'pairing',
  allowFrom: [],
  groupPolicy: 'open',
  groupAllowFrom: [],
  requireMention: true,
  groups: {},
  sendConcurrency: 4,
  ...extra,
});

const dm = (sender: string, extra: Partial<InboundEnvelope> = {}): InboundEnvelope => ({
  channel: 'telegram',
  accountId: 'default',
  id: `m-${Math.random()}`,
  at: 0,
  chat: { kind: 'direct', id: sender },
  sender: { id: sender, isBot: false, isSelf: false, name: 'Sam' },
  text: 'hi',
  mentions: { bot: false, userIds: [] },
  media: [],
  ...extra,
});

const group = (mentions: InboundEnvelope['mentions'], chatId = 'g1'): InboundEnvelope =>
  dm('u1', { chat: { kind: 'group', id: chatId }, mentions });

describe('access control', () => {
  it('codes are 8 characters from an alphabet without 0, O, 1 or I', () => {
    for (let i = 0; i < 200; i++) {
      const c = newPairingCode();
      expect(c).toMatch(/^[A-HJ-NP-Z2-9]{8}$/);
      for (const ch of c) expect(PAIRING_ALPHABET).toContain(ch);
    }
  });

  it('pairing: one code per sender until it expires, at most 3 pending per account, approval lets them in', async () => {
    const store = createMemoryStore();
    const clock = new ManualClock(1_000_000);
    const ac = new AccessControl(store.channelAccess, () => clock.now());
    const first = await ac.decide(dm('s1'), cfg());
    expect(first).toMatchObject({ action: 'challenge', reply: true });
    const again = await ac.decide(dm('s1'), cfg());
    expect(again).toMatchObject({ action: 'challenge', reply: false });
    if (first.action !== 'challenge' || again.action !== 'challenge') throw new Error('unreachable');
    expect(again.request.code).toBe(first.request.code);
    await ac.decide(dm('s2'), cfg());
    await ac.decide(dm('s3'), cfg());
    expect(await ac.decide(dm('s4'), cfg())).toMatchObject({
      action: 'drop',
      reason: 'too many pending pairing requests',
    });
    clock.advance(PAIRING_TTL_MS + 1);
    const fresh = await ac.decide(dm('s1'), cfg());
    expect(fresh).toMatchObject({ action: 'challenge', reply: true });
    if (fresh.action !== 'challenge') throw new Error('unreachable');
    expect(fresh.request.code).not.toBe(first.request.code);
    await store.channelAccess.addAllowFrom('telegram', 'default', 's1', clock.now());
    expect(await ac.decide(dm('s1'), cfg())).toEqual({ action: 'accept', allowed: true });
  });

  it('allowlist, open, disabled and config allowFrom (with *)', async () => {
    const ac = new AccessControl(createMemoryStore().channelAccess, () => 0);
    expect(await ac.decide(dm('s1'), cfg({ dmPolicy: 'allowlist' }))).toMatchObject({ action: 'drop' });
    // Accepted off allowFrom, it says so (sender authority reads no approvals again); `open` looked none up.
    expect(await ac.decide(dm('s1'), cfg({ dmPolicy: 'allowlist', allowFrom: ['s1'] }))).toEqual({
      action: 'accept',
      allowed: true,
    });
    expect(await ac.decide(dm('s9'), cfg({ dmPolicy: 'allowlist', allowFrom: ['*'] }))).toEqual({
      action: 'accept',
      allowed: true,
    });
    expect(await ac.decide(dm('s1'), cfg({ dmPolicy: 'open' }))).toEqual({ action: 'accept' });
    expect(
      await ac.decide(
        dm('s1', { sender: { id: 's1', isBot: false, isSelf: true } }),
        cfg({ dmPolicy: 'open' }),
      ),
    ).toMatchObject({
      action: 'drop',
      reason: 'own message',
    });
    expect(await ac.decide(dm('s1'), cfg({ dmPolicy: 'disabled', allowFrom: ['s1'] }))).toMatchObject({
      action: 'drop',
    });
  });

  it('groups: mention required by default; a reply to the bot counts; per-group override; allowlist and disabled', async () => {
    const ac = new AccessControl(createMemoryStore().channelAccess, () => 0);
    expect(await ac.decide(group({ bot: false, userIds: [] }), cfg())).toMatchObject({
      action: 'drop',
      reason: 'not mentioned',
    });
    expect(await ac.decide(group({ bot: true, userIds: [] }), cfg())).toEqual({ action: 'accept' });
    expect(await ac.decide(group({ bot: false, implicit: 'reply_to_bot', userIds: [] }), cfg())).toEqual({
      action: 'accept',
    });
    expect(
      await ac.decide(group({ bot: false, userIds: [] }), cfg({ groups: { g1: { requireMention: false } } })),
    ).toEqual({
      action: 'accept',
    });
    expect(
      await ac.decide(group({ bot: true, userIds: [] }), cfg({ groupPolicy: 'allowlist' })),
    ).toMatchObject({ action: 'drop' });
    expect(
      await ac.decide(
        group({ bot: true, userIds: [] }),
        cfg({ groupPolicy: 'allowlist', groupAllowFrom: ['g1'] }),
      ),
    ).toEqual({
      action: 'accept',
    });
    expect(
      await ac.decide(group({ bot: true, userIds: [] }), cfg({ groupPolicy: 'disabled' })),
    ).toMatchObject({ action: 'drop' });
  });
});
