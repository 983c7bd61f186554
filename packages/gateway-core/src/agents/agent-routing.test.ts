import type { AgentBinding } from '@openclaw/protocol';
import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { agentProfile, sessionAgentId } from './agent-catalog.ts';
import { agentIdInKey, agentSessionKey, routeChat, routedSessionKey } from './agent-routing.ts';

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
