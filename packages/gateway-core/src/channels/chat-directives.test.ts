import { describe, expect, it } from 'vitest';
import { sessionThinkingState } from '../agent/session-thinking.ts';
import { createMemoryStore } from '../store/memory-store.ts';
import { coreAccountConfig } from '../testing/core-account-config.ts';
import { AccessControl } from './access-control.ts';
import type { CoreAccountConfig } from './account-config.ts';
import { chatDirectives } from './chat-directives.ts';
import { ownersOn } from './owner-entries.ts';
import type { InboundEnvelope } from './sdk/types.ts';

const KEY = 'agent:main:telegram:dm:1';

function setup(o: { owners?: string[]; cfg?: Partial<CoreAccountConfig> } = {}) {
  const store = createMemoryStore();
  const levels = sessionThinkingState({
    kv: store.kv,
    models: { candidates: () => ['local/qwen'], providers: () => ({}) },
    agentOf: () => ({ id: 'main', reasoningDefault: 'on' }),
    sectionDefault: () => 'minimal',
  });
  const patched: string[] = [];
  const cfg = coreAccountConfig(o.cfg);
  const handle = chatDirectives({
    access: new AccessControl(store.channelAccess, () => 0),
    levels,
    owners: (channel) => ownersOn(channel, o.owners),
    sessionKeyOf: () => KEY,
    onPatched: (key) => patched.push(key),
  });
  const env = (text: string, sender = '1', kind: 'direct' | 'group' = 'direct'): InboundEnvelope => ({
    channel: 'telegram',
    accountId: 'default',
    id: `m${Math.random()}`,
    at: 0,
    chat: { kind, id: kind === 'direct' ? sender : '-100' },
    sender: { id: sender, isBot: false, isSelf: false },
    text,
    mentions: { bot: false, userIds: [] },
    media: [],
  });
  const row = async () => (await levels.rows([KEY])).get(KEY)!;
  return {
    store,
    cfg,
    patched,
    row,
    say: (text: string, sender?: string, kind?: 'direct' | 'group') => handle(env(text, sender, kind), cfg),
    sayWithPhoto: (text: string) => handle({ ...env(text), media: [{ kind: 'image' } as never] }, cfg),
  };
}

describe('chat directives', () => {
  it('a message of directives only sets the session level and is answered; a level that names none changes nothing', async () => {
    const t = setup();
    expect(await t.say('/think high')).toEqual({ answer: 'Thinking level set to high.', sessionKey: KEY });
    expect(await t.say('/reasoning stream')).toMatchObject({ answer: '⚙️ Reasoning stream enabled.' });
    expect(await t.row()).toMatchObject({ thinkingLevel: 'high', reasoningLevel: 'stream' });
    expect(t.patched).toEqual([KEY, KEY]);
    expect(await t.say('/t off /reason hide')).toMatchObject({
      answer: 'Thinking disabled. ⚙️ Reasoning visibility disabled.',
    });
    // Refused as a whole: the valid reasoning level beside it is not applied either.
    expect((await t.say('/reasoning on /think big')).answer).toBe(
      'Unrecognized thinking level "big". Valid levels: default, off, minimal, low, medium, high.',
    );
    expect((await t.say('/think max')).answer).toContain('Unrecognized thinking level "max"');
    expect((await t.say('/reasoning loud')).answer).toBe(
      'Unrecognized reasoning level "loud". Valid levels: on, off, stream.',
    );
    expect(await t.row()).toMatchObject({ thinkingLevel: 'off', reasoningLevel: 'off' });
    expect((await t.say('/think')).answer).toBe(
      'Current thinking level: off.\nOptions: default, off, minimal, low, medium, high.',
    );
    expect((await t.say('/think default')).answer).toBe('Thinking level reset to default.');
    expect((await t.row()).thinkingLevel).toBeUndefined();
    expect((await t.say('/think:')).answer).toContain('Current thinking level: minimal.');
    await t.store.kv.delete(`session-reasoning:${KEY}`);
    expect((await t.say('/reasoning')).answer).toBe(
      'Current reasoning level: on.\nOptions: on, off, stream.',
    );
  });

  it('inside a message with other text they apply to its turn only and are taken out of it', async () => {
    const t = setup();
    const out = await t.say('/think high /reasoning on why is the sky blue?');
    expect(out).toMatchObject({
      env: { text: 'why is the sky blue?' },
      turn: { thinking: 'high', reasoning: 'on' },
    });
    expect(await t.row()).not.toHaveProperty('thinkingLevel');
    expect(await t.row()).not.toHaveProperty('reasoningLevel');
    expect(t.patched).toEqual([]);
    expect(await t.say('hello')).toEqual({ env: expect.objectContaining({ text: 'hello' }) });
    // A photo captioned with a directive only still gets its turn, at that level.
    expect(await t.sayWithPhoto('/think high')).toMatchObject({
      env: { text: '' },
      turn: { thinking: 'high' },
    });
  });

  it('a sender not authorised keeps directives as text and never sees reasoning; with owners set, only they are authorised', async () => {
    const t = setup();
    // A group member the account's allowFrom does not list (the group policy is open).
    const stranger = await t.say('/reasoning on', '2', 'group');
    expect(stranger).toMatchObject({ env: { text: '/reasoning on' }, turn: { reasoning: 'off' } });
    expect((await t.row()).reasoningLevel).toBeUndefined();
    // Pairing approvals count in direct chats, not in groups (as in the reference).
    await t.store.channelAccess.addAllowFrom('telegram', 'default', '3', 0);
    expect(await t.say('/t low', '3')).toMatchObject({ answer: 'Thinking level set to low.' });
    expect(await t.say('hi', '3', 'group')).toMatchObject({ turn: { reasoning: 'off' } });
    // An open DM policy without a list lets everyone in, and authorises them (the reference's `*`).
    const open = setup({ cfg: { dmPolicy: 'open', allowFrom: [] } });
    expect(await open.say('/think low', '9')).toMatchObject({ answer: 'Thinking level set to low.' });

    const owned = setup({ owners: ['telegram:1', 'discord:2'], cfg: { allowFrom: ['1', '2'] } });
    expect(await owned.say('/think low', '1')).toMatchObject({ answer: 'Thinking level set to low.' });
    expect(await owned.say('/think high', '2')).toMatchObject({
      env: { text: '/think high' },
      turn: { reasoning: 'off' },
    });
  });
});
