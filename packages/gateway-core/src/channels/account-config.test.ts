import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.ts';
import { scriptedProvider } from '../testing/scripted-provider.ts';
import { AccessControl } from './access-control.ts';
import { resolveAccounts } from './account-config.ts';
import type { InboundEnvelope } from './sdk/types.ts';

const { provider } = scriptedProvider({});

const mentionInGroup = (chatId: string): InboundEnvelope => ({
  channel: 'scripted',
  accountId: 'default',
  id: `m-${chatId}`,
  at: 0,
  chat: { kind: 'group', id: chatId },
  sender: { id: 'u1', isBot: false, isSelf: false, name: 'Sam' },
  text: '@bot hello',
  mentions: { bot: true, userIds: [] },
  media: [],
});

describe('account config', () => {
  it('secure defaults: DMs need pairing, and groups must be allowed before the bot answers in them', async () => {
    const [account] = resolveAccounts('scripted', {}, provider);
    expect(account!.core).toMatchObject({
      dmPolicy: 'pairing',
      groupPolicy: 'allowlist',
      requireMention: true,
    });
    const ac = new AccessControl(createMemoryStore().channelAccess, () => 0);
    // Even addressed by name, the bot stays quiet in a group nobody allowed.
    expect(await ac.decide(mentionInGroup('g1'), account!.core)).toEqual({
      action: 'drop',
      reason: 'group not on groupAllowFrom',
    });
  });

  it('a group is allowed by groupAllowFrom or by listing it under groups; open lets every group in', async () => {
    const ac = new AccessControl(createMemoryStore().channelAccess, () => 0);
    const [listed] = resolveAccounts('scripted', { groupAllowFrom: ['g1'], groups: { g2: {} } }, provider);
    expect(await ac.decide(mentionInGroup('g1'), listed!.core)).toEqual({ action: 'accept' });
    expect(await ac.decide(mentionInGroup('g2'), listed!.core)).toEqual({ action: 'accept' });
    expect((await ac.decide(mentionInGroup('g3'), listed!.core)).action).toBe('drop');
    const [open] = resolveAccounts('scripted', { groupPolicy: 'open' }, provider);
    expect(await ac.decide(mentionInGroup('g3'), open!.core)).toEqual({ action: 'accept' });
  });
});
