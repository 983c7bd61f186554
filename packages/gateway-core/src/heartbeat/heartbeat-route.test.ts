import { describe, expect, it } from 'vitest';
import { resolveAccounts } from '../channels/account-config.ts';
import type { SessionRecord } from '../store/session-types.ts';
import type { Store } from '../store/types.ts';
import { scriptedProvider } from '../testing/scripted-provider.ts';
import type { OwnerSources } from './heartbeat-owner-route.ts';
import { resolveHeartbeatRoute } from './heartbeat-route.ts';

const storeWith = (sessions: Partial<SessionRecord>[]) =>
  ({
    sessions: {
      list: async () => ({ sessions, total: sessions.length }),
      get: async (key: string) => sessions.find((x) => x.key === key),
    },
  }) as unknown as Pick<Store, 'sessions'>;
const agents = { agentOf: (key: string) => key.split(':')[1] ?? 'main' };
const owner = { agentId: 'main', target: 'owner' };
/** Providers with the channels' ids, reading allow lists as the real ones do (`tg:1001` → `1001`). */
const telegram = {
  ...scriptedProvider({}, 'telegram').provider,
  normalizeSenderId: (id: string) => id.trim().replace(/^(tg|telegram):/i, ''),
};
const slack = scriptedProvider({}, 'slack').provider;
const signal = scriptedProvider({}, 'signal').provider;
/** The owner sources as the heartbeat runner builds them: the accounts as the table resolves them. */
const sources = (
  channels: { telegram?: unknown; slack?: unknown; signal?: unknown },
  ownerAllowFrom: (string | number)[] = [],
) =>
  ({
    ownerAllowFrom,
    accounts: [
      ...resolveAccounts('telegram', channels.telegram, telegram),
      ...resolveAccounts('slack', channels.slack, slack),
      ...resolveAccounts('signal', channels.signal, signal),
    ],
    normalize: (channel, id) => (channel === 'telegram' ? telegram.normalizeSenderId(id) : id),
  }) satisfies OwnerSources;
const route = (src: OwnerSources, s: { accountId?: string } = {}, chats: Partial<SessionRecord>[] = []) =>
  resolveHeartbeatRoute(storeWith(chats), agents, { ...owner, ...s }, src);

describe('resolveHeartbeatRoute: owner', () => {
  it("a channel allowFrom sender, as the account resolves it: inherited by each account, in the channel's form, the account named", async () => {
    expect(await route(sources({ telegram: { allowFrom: ['*', 'tg:1001'] } }))).toEqual({
      ok: true,
      channel: 'telegram',
      to: '1001',
      accountId: 'default',
      direct: true,
    });
    // The shared list is each account's; the channel's first account is its default.
    const shared = sources({ telegram: { allowFrom: ['tg:1001'], accounts: { ops: {}, desk: {} } } });
    expect(await route(shared)).toMatchObject({ to: '1001', accountId: 'ops' });
  });

  it("the heartbeat's accountId picks the account whose allowFrom names the owner; a disabled default account names no one", async () => {
    const channels = {
      telegram: {
        allowFrom: ['tg:1001'],
        accounts: { main: { enabled: false }, ops: { allowFrom: ['tg:7'] } },
      },
    };
    expect(await route(sources(channels), { accountId: 'ops' })).toEqual({
      ok: true,
      channel: 'telegram',
      to: '7',
      accountId: 'ops',
      direct: true,
    });
    expect(await route(sources(channels))).toEqual({ ok: false, reason: 'no-route' });
    expect(await route(sources(channels), { accountId: 'nobody' })).toEqual({
      ok: false,
      reason: 'no-route',
    });
  });

  it("commands.ownerAllowFrom comes first, on a configured channel, a direct chat only; the agent's session with that chat gives its thread and session", async () => {
    const chat = {
      key: 'agent:main:telegram:default:55',
      kind: 'channel' as const,
      channel: 'telegram',
      accountId: 'default',
      chatId: '55',
      threadId: '9',
      updatedAtMs: 1,
    };
    // Slack is not configured; -100 is a Telegram group.
    const src = sources({ telegram: { allowFrom: ['1001'] } }, [
      'slack:U1',
      'telegram:-100',
      'telegram:tg:55',
    ]);
    expect(await route(src, {}, [chat])).toEqual({
      ok: true,
      channel: 'telegram',
      to: '55',
      direct: true,
      accountId: 'default',
      threadId: '9',
      sessionKey: chat.key,
    });
    // An id with no channel name is taken where it is a direct chat; `*` names no one.
    expect(await route(sources({ telegram: {} }, ['*', 42]))).toMatchObject({ ok: true, to: '42' });
    expect(await route(sources({ telegram: {} }, ['*', 'slack:U1']))).toEqual({
      ok: false,
      reason: 'no-route',
    });
  });

  it("the first allowFrom sender is the owner only when theirs is a direct chat; the agent's recent channel is looked at first", async () => {
    expect(await route(sources({ telegram: { allowFrom: ['-100123', '1001'] } }))).toEqual({
      ok: false,
      reason: 'no-route',
    });
    const both = sources({ telegram: { allowFrom: ['1001'] }, slack: { allowFrom: ['U77'] } });
    expect(await route(both)).toMatchObject({ channel: 'telegram', to: '1001' });
    const onSlack = {
      key: 'agent:main:slack:default:D1',
      kind: 'channel' as const,
      channel: 'slack',
      accountId: 'default',
      chatId: 'D1',
      updatedAtMs: 5,
    };
    expect(await route(both, {}, [onSlack])).toMatchObject({
      channel: 'slack',
      to: 'U77',
      accountId: 'default',
    });
  });
});

describe('resolveHeartbeatRoute: whether the chat is direct', () => {
  it("last and an explicit target say what their chat's session recorded, else what the chat id's form tells; nothing when neither does", async () => {
    const chat = (chatId: string, chatKind: SessionRecord['chatKind'], updatedAtMs: number) =>
      chatOf('telegram', chatId, updatedAtMs, { chatKind });
    // A session's kind wins over the form (a supergroup turned DM cannot happen; the order is the point).
    const store = storeWith([chat('-5', 'group', 1), chat('7', 'group', 2), chat('8', undefined, 3)]);
    const route = (target: string, to?: string) =>
      resolveHeartbeatRoute(store, agents, { agentId: 'main', target, to });
    expect(await route('last')).toMatchObject({ to: '8', direct: true });
    expect(await route('telegram', '7')).toMatchObject({ to: '7', direct: false });
    expect(await route('telegram', '-5')).toMatchObject({ to: '-5', direct: false });
    // No session with these chats: their ids' forms tell.
    expect(await route('telegram', '99')).toMatchObject({ to: '99', direct: true });
    expect(await route('telegram', '-100777')).toMatchObject({ direct: false });
    expect(await route('slack', 'D024BE91L')).toMatchObject({ direct: true });
    expect(await route('slack', 'C024BE91L')).toMatchObject({ direct: false });
    expect(await route('discord', '123456789012345678')).toMatchObject({ direct: false });
    expect(await route('whatsapp', '1203630@g.us')).toMatchObject({ direct: false });
    expect(await route('telegram', '@news')).not.toHaveProperty('direct');
    expect(await route('scripted', 'someone')).not.toHaveProperty('direct');
    const lastIsGroup = storeWith([chat('-5', undefined, 9), chat('7', 'direct', 2)]);
    expect(
      await resolveHeartbeatRoute(lastIsGroup, agents, { agentId: 'main', target: 'last' }),
    ).toMatchObject({
      to: '-5',
      direct: false,
    });
  });
});

/** A chat session of agent main. */
const chatOf = (
  channel: string,
  chatId: string,
  updatedAtMs: number,
  extra: Partial<SessionRecord> = {},
) => ({
  key: `agent:main:${channel}:default:${chatId}`,
  kind: 'channel' as const,
  channel,
  accountId: 'default',
  chatId,
  updatedAtMs,
  ...extra,
});

describe('resolveHeartbeatRoute: a wake from a chat', () => {
  it('a wake naming a chat session is answered in that chat before the owner (even a group) and before the last chat; an explicit target and a non-chat session keep their routes', async () => {
    const group = chatOf('slack', 'C042', 1, { chatKind: 'group', threadId: '17.5' });
    const latest = chatOf('telegram', '1001', 9);
    const store = storeWith([group, latest, { key: 'agent:main:main', kind: 'webchat', updatedAtMs: 3 }]);
    const src = sources({ telegram: { allowFrom: ['1001'] }, slack: {} });
    const at = (target: string, origin?: string, to?: string) =>
      resolveHeartbeatRoute(store, agents, { agentId: 'main', target, to }, src, origin);
    const there = {
      ok: true,
      channel: 'slack',
      to: 'C042',
      accountId: 'default',
      threadId: '17.5',
      sessionKey: group.key,
      direct: false,
    };
    expect(await at('owner', group.key)).toEqual(there);
    expect(await at('last', group.key)).toEqual(there);
    expect(await at('owner')).toMatchObject({ channel: 'telegram', to: '1001' });
    expect(await at('owner', 'agent:main:main')).toMatchObject({ channel: 'telegram', to: '1001' });
    expect(await at('telegram', group.key, '-100')).toMatchObject({ channel: 'telegram', to: '-100' });
    expect(await at('none', group.key)).toEqual({ ok: false, reason: 'target-none' });
  });
});

describe('resolveHeartbeatRoute: last and threads', () => {
  it("last goes to the chat of the agent's latest thread, not into the thread (recorded in the chat's own session, when there is one); a Telegram group's topic is kept", async () => {
    const thread = chatOf('slack', 'C042', 9, {
      key: 'agent:main:slack:default:C042:17.5',
      chatKind: 'channel',
      threadId: '17.5',
    });
    const channel = chatOf('slack', 'C042', 4, { chatKind: 'channel' });
    const last = (chats: Partial<SessionRecord>[]) =>
      resolveHeartbeatRoute(storeWith(chats), agents, { agentId: 'main', target: 'last' });
    expect(await last([thread, channel])).toEqual({
      ok: true,
      channel: 'slack',
      to: 'C042',
      accountId: 'default',
      sessionKey: channel.key,
      direct: false,
    });
    expect(await last([thread])).toEqual({
      ok: true,
      channel: 'slack',
      to: 'C042',
      accountId: 'default',
      direct: false,
    });
    const topic = chatOf('telegram', '-1001', 10, {
      key: 'agent:main:telegram:default:-1001:7',
      chatKind: 'group',
      threadId: '7',
    });
    expect(await last([topic, thread, channel])).toEqual({
      ok: true,
      channel: 'telegram',
      to: '-1001',
      accountId: 'default',
      threadId: '7',
      sessionKey: topic.key,
      direct: false,
    });
  });
});

describe('resolveHeartbeatRoute: channel aliases and account ids', () => {
  it('a `tg:` commands.ownerAllowFrom entry names Telegram: it is not tried as an id on another channel', async () => {
    // The agent's recent chat is on Signal, so Signal's account is looked at first.
    const src = sources({ telegram: {}, signal: {} }, ['tg:1001']);
    expect(await route(src, {}, [chatOf('signal', '+15550001', 5)])).toEqual({
      ok: true,
      channel: 'telegram',
      to: '1001',
      accountId: 'default',
      direct: true,
    });
  });

  it('an accountId no account of the channel has: unknown-account for an explicit target and last, no-route for owner; a known one (any case) goes through', async () => {
    const src = sources({ telegram: { accounts: { ops: { allowFrom: ['7'] } } } });
    const store = storeWith([chatOf('telegram', '55', 2, { accountId: 'ops' })]);
    const at = (target: string, accountId: string, to?: string) =>
      resolveHeartbeatRoute(store, agents, { agentId: 'main', target, to, accountId }, src);
    expect(await at('telegram', 'nobody', '55')).toEqual({ ok: false, reason: 'unknown-account' });
    expect(await at('last', 'nobody')).toEqual({ ok: false, reason: 'unknown-account' });
    expect(await at('owner', 'nobody')).toEqual({ ok: false, reason: 'no-route' });
    expect(await at('telegram', 'OPS', '55')).toMatchObject({ ok: true, to: '55', accountId: 'OPS' });
    // A channel with no accounts known here is not checked.
    expect(await at('slack', 'nobody', 'C1')).toMatchObject({ ok: true, to: 'C1' });
  });
});
