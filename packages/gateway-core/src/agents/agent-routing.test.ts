import type { AgentBinding } from '@openclaw/protocol';
import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { agentProfile, sessionAgentId } from './agent-catalog.ts';
import {
  agentIdInKey,
  agentSessionKey,
  type RoutedChat,
  routeChat,
  routedSessionKey,
  updateSessionKeys,
} from './agent-routing.ts';

const dm = (chatId: string, accountId = 'default') => ({
  channel: 'telegram',
  accountId,
  kind: 'direct' as const,
  chatId,
});

describe('routing channel chats to agents', () => {
  const bindings: AgentBinding[] = [
    { agentId: 'sales', match: { channel: 'telegram', accountId: '*' } },
    { agentId: 'ops', match: { channel: 'telegram', accountId: 'biz' } },
    { agentId: 'support', match: { channel: 'telegram', peer: { kind: 'direct', id: '501' } } },
    { agentId: 'vip', match: { channel: 'telegram', accountId: 'biz', peer: { kind: 'group', id: '-7' } } },
  ];

  it('a binding naming the chat wins over the account, which wins over any account', () => {
    expect(routeChat(bindings, dm('501'))).toBe('support');
    expect(routeChat(bindings, dm('502', 'biz'))).toBe('ops');
    expect(routeChat(bindings, dm('502'))).toBe('sales');
    expect(routeChat(bindings, { ...dm('-7', 'biz'), kind: 'group' })).toBe('vip');
  });

  it('a peer binding matches only its kind and (absent accountId) the default account', () => {
    expect(routeChat(bindings, { ...dm('501'), kind: 'group' })).toBe('sales');
    expect(routeChat(bindings, dm('501', 'other'))).toBe('sales');
    // Edits and reactions carry no kind: the chat id decides.
    expect(routeChat(bindings, { channel: 'telegram', accountId: 'default', chatId: '501' })).toBe('support');
  });

  it('within a tier the first binding listed wins; unmatched chats and other channels go to main', () => {
    const two: AgentBinding[] = [
      { agentId: 'a', match: { channel: 'slack' } },
      { agentId: 'b', match: { channel: 'slack' } },
    ];
    expect(routeChat(two, { channel: 'slack', accountId: 'default', chatId: 'C1' })).toBe('a');
    expect(routeChat(two, { channel: 'slack', accountId: 'team2', chatId: 'C1' })).toBe('main');
    expect(routeChat(bindings, { channel: 'discord', accountId: 'default', chatId: '1' })).toBe('main');
    expect(routeChat([], dm('501'))).toBe('main');
  });

  it("another agent's chats get agent:<id>:<channel key>; main keeps the plain key", () => {
    expect(routedSessionKey(bindings, dm('501'))).toBe('agent:support:telegram:default:501');
    expect(routedSessionKey([], dm('501'))).toBe('telegram:default:501');
    expect(routedSessionKey([{ agentId: 'main', match: { channel: 'telegram' } }], dm('501'))).toBe(
      'telegram:default:501',
    );
    expect(agentSessionKey('support', 'x')).toBe('agent:support:x');
    expect(agentIdInKey('agent:support:telegram:default:501')).toBe('support');
    expect(agentIdInKey('agent:s_123')).toBeUndefined();
    expect(agentIdInKey('telegram:default:501')).toBeUndefined();
  });
});

describe('guild, team, roles and peer kinds (the reference tiers)', () => {
  const GUILD = '900';
  const guildMsg = (over: Partial<RoutedChat> = {}): RoutedChat => ({
    channel: 'discord',
    accountId: 'default',
    kind: 'group',
    chatId: 'C1',
    guildId: GUILD,
    roleIds: [],
    ...over,
  });
  // Listed broadest first, so a tier order that followed the list would fail.
  const bindings: AgentBinding[] = [
    { agentId: 'anyacct', match: { channel: 'discord', accountId: '*' } },
    { agentId: 'acct', match: { channel: 'discord' } },
    { agentId: 'team', match: { channel: 'slack', teamId: 'T1' } },
    { agentId: 'guild', match: { channel: 'discord', guildId: GUILD } },
    { agentId: 'mods', match: { channel: 'discord', guildId: GUILD, roles: ['r-mod', 'r-admin'] } },
    { agentId: 'groups', match: { channel: 'discord', peer: { kind: 'channel', id: '*' } } },
    { agentId: 'room', match: { channel: 'discord', peer: { kind: 'group', id: 'C7' } } },
    { agentId: 'thread', match: { channel: 'discord', peer: { kind: 'channel', id: 'T9' } } },
  ];

  it('most specific first: thread, chat, kind, guild with roles, guild, team, account, any account', () => {
    expect(routeChat(bindings, guildMsg({ chatId: 'C7', threadId: 'T9' }))).toBe('thread');
    // A thread without its own binding follows its chat's.
    expect(routeChat(bindings, guildMsg({ chatId: 'C7', threadId: 'T8' }))).toBe('room');
    expect(routeChat(bindings, guildMsg({ chatId: 'C2' }))).toBe('groups');
    const noKindWide = bindings.filter((b) => b.agentId !== 'groups');
    expect(routeChat(noKindWide, guildMsg({ roleIds: ['r-x', 'r-admin'] }))).toBe('mods');
    expect(routeChat(noKindWide, guildMsg({ roleIds: ['r-x'] }))).toBe('guild');
    expect(routeChat(noKindWide, guildMsg({ guildId: '901' }))).toBe('acct');
    expect(routeChat(noKindWide, guildMsg({ guildId: '901', accountId: 'b' }))).toBe('anyacct');
    const slack = { channel: 'slack', accountId: 'default', kind: 'channel' as const, chatId: 'C1' };
    expect(routeChat(bindings, { ...slack, teamId: 'T1' })).toBe('team');
    expect(routeChat(bindings, { ...slack, teamId: 'T2' })).toBe('main');
  });

  it('group and channel are one kind; direct is another; a kind-wide binding needs the kind', () => {
    expect(routeChat(bindings, guildMsg({ kind: 'channel', chatId: 'C7' }))).toBe('room');
    expect(routeChat(bindings, guildMsg({ kind: 'direct', chatId: 'C7', guildId: undefined }))).toBe('acct');
    // Edits carry no kind: the chat id still decides, a kind-wide binding cannot.
    expect(routeChat(bindings, guildMsg({ kind: undefined, chatId: 'C7' }))).toBe('room');
    expect(routeChat(bindings, guildMsg({ kind: undefined, chatId: 'C2', roleIds: undefined }))).toBe(
      'guild',
    );
  });

  it('every field a binding gives must match (AND), and within a tier the first listed wins', () => {
    const and: AgentBinding[] = [
      {
        agentId: 'wrong-guild',
        match: { channel: 'discord', guildId: '1', peer: { kind: 'group', id: 'C1' } },
      },
      { agentId: 'first', match: { channel: 'discord', guildId: GUILD, roles: ['r'] } },
      { agentId: 'second', match: { channel: 'discord', guildId: GUILD, roles: ['r'] } },
      { agentId: 'other-acct', match: { channel: 'discord', accountId: 'b', guildId: GUILD } },
    ];
    expect(routeChat(and, guildMsg({ roleIds: ['r'] }))).toBe('first');
    expect(routeChat(and, guildMsg())).toBe('main');
    expect(routeChat(and, guildMsg({ accountId: 'b' }))).toBe('other-acct');
  });

  it("an update is looked for in the routed session, then in every other agent's bound on the channel", () => {
    const chat = guildMsg({ kind: undefined, chatId: 'C2', roleIds: undefined });
    expect(updateSessionKeys(bindings, chat)).toEqual([
      'agent:guild:discord:default:C2',
      'agent:anyacct:discord:default:C2',
      'agent:acct:discord:default:C2',
      'agent:mods:discord:default:C2',
      'agent:groups:discord:default:C2',
      'agent:room:discord:default:C2',
      'agent:thread:discord:default:C2',
      'discord:default:C2',
    ]);
    expect(updateSessionKeys([], chat)).toEqual(['discord:default:C2']);
  });
});

describe('the agent of a session, and its profile', () => {
  const config = parseConfig({
    agent: { model: 'p/main-model', fallbacks: ['p/spare'], tools: { deny: ['cron'] } },
    agents: {
      list: [
        { id: 'support', name: 'Support', model: 'p/support-model', tools: { allow: ['message'] } },
        { id: 'ops', model: { primary: 'p/ops', fallbacks: ['p/ops2'] }, systemPrompt: 'ops' },
      ],
    },
  });

  it('a key naming a configured agent is that agent; any other key is main', () => {
    expect(sessionAgentId(config, 'agent:support:main')).toBe('support');
    expect(sessionAgentId(config, 'agent:ops:telegram:default:1')).toBe('ops');
    expect(sessionAgentId(config, 'agent:gone:main')).toBe('main');
    expect(sessionAgentId(config, 'agent:main:main')).toBe('main');
    expect(sessionAgentId(config, 'telegram:default:1')).toBe('main');
  });

  it('an entry gives its own model (only its own fallbacks), tools and prompt; main has the section', () => {
    expect(agentProfile(config, 'support')).toEqual({
      id: 'support',
      name: 'Support',
      model: { primary: 'p/support-model', fallbacks: [] },
      tools: { allow: ['message'], deny: [] },
      systemPrompt: undefined,
    });
    expect(agentProfile(config, 'ops')?.model).toEqual({ primary: 'p/ops', fallbacks: ['p/ops2'] });
    expect(agentProfile(config, 'ops')?.systemPrompt).toBe('ops');
    expect(agentProfile(config, 'main')).toEqual({
      id: 'main',
      name: undefined,
      model: undefined,
      tools: undefined,
      systemPrompt: undefined,
    });
    expect(agentProfile(config, 'nobody')).toBeUndefined();
  });
});
