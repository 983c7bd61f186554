import { describe, expect, it } from 'vitest';
import type { GatewayError } from '../errors.ts';
import { parseConfig } from './parse-config.ts';

function issuesOf(raw: unknown): { path: string; message: string }[] {
  try {
    parseConfig(raw);
  } catch (error) {
    return (error as GatewayError).details?.issues as { path: string; message: string }[];
  }
  return [];
}

describe('agents.list and bindings in the config', () => {
  it('a config without them is one agent, main, as before', () => {
    const c = parseConfig({ agent: { model: 'a/b' } });
    expect(c.agents).toEqual({ list: [] });
    expect(c.bindings).toEqual([]);
  });

  it('takes agents with a model (name or primary + fallbacks), tools and a prompt, and bindings to them', () => {
    const c = parseConfig({
      agents: {
        list: [
          {
            id: 'support',
            name: 'Support desk',
            model: 'openai-compatible/small',
            tools: { deny: ['cron'] },
          },
          {
            id: 'ops',
            model: { primary: 'anthropic/x', fallbacks: ['openai/y'] },
            systemPrompt: 'Be terse.',
          },
          { id: 'main', name: 'Home' },
        ],
      },
      bindings: [
        { agentId: 'support', match: { channel: 'telegram', peer: { kind: 'direct', id: '501' } } },
        { agentId: 'ops', match: { channel: 'slack', accountId: '*' } },
        { agentId: 'main', match: { channel: 'discord' } },
      ],
    });
    expect(c.agents.list.map((a) => a.id)).toEqual(['support', 'ops', 'main']);
    expect(c.bindings).toHaveLength(3);
  });

  it('refuses a binding to an agent no one configured, naming the agents there are', () => {
    const issues = issuesOf({
      agents: { list: [{ id: 'support' }] },
      bindings: [{ agentId: 'suport', match: { channel: 'telegram' } }],
    });
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'bindings.0.agentId',
        message: 'no agent "suport" (agents: main, support)',
      }),
    ]);
  });

  it('refuses an agent listed twice', () => {
    const issues = issuesOf({ agents: { list: [{ id: 'a' }, { id: 'b' }, { id: 'a' }] } });
    expect(issues).toEqual([
      expect.objectContaining({ path: 'agents.list.2.id', message: 'agent "a" is listed twice' }),
    ]);
  });

  it('refuses ids that cannot be a session key part or a folder, bad model names and unknown keys', () => {
    expect(issuesOf({ agents: { list: [{ id: 'Has Space' }] } })[0]?.path).toBe('agents.list.0.id');
    expect(issuesOf({ agents: { list: [{ id: '../x' }] } })[0]?.path).toBe('agents.list.0.id');
    expect(issuesOf({ agents: { list: [{ id: 'a', model: 'no-slash' }] } })[0]?.path).toMatch(
      /^agents\.list\.0\.model/,
    );
    expect(issuesOf({ agents: { list: [{ id: 'a', prompt: 'x' }] } })[0]?.path).toBe('agents.list.0.prompt');
    expect(
      issuesOf({
        bindings: [{ agentId: 'main', match: { channel: 'telegram', peer: { kind: 'dm', id: '1' } } }],
      })[0]?.path,
    ).toMatch(/^bindings\.0\.match\.peer\.kind/);
  });

  it("takes the reference's guild, team, roles, kind-wide peers and comments", () => {
    const c = parseConfig({
      agents: { list: [{ id: 'mods' }, { id: 'desk' }] },
      bindings: [
        {
          agentId: 'mods',
          comment: 'moderators',
          match: { channel: 'discord', guildId: '9', roles: ['1', '2'] },
        },
        { agentId: 'mods', match: { channel: 'discord', guildId: '9', peer: { kind: 'channel', id: '*' } } },
        { agentId: 'desk', match: { channel: 'slack', accountId: '*', teamId: 'T1' } },
      ],
    });
    expect(c.bindings.map((b) => b.match)).toEqual([
      { channel: 'discord', guildId: '9', roles: ['1', '2'] },
      { channel: 'discord', guildId: '9', peer: { kind: 'channel', id: '*' } },
      { channel: 'slack', accountId: '*', teamId: 'T1' },
    ]);
  });

  it('refuses, naming the key, a match no message of that channel can meet and a binding field not honoured here', () => {
    expect(
      issuesOf({
        bindings: [
          { agentId: 'main', match: { channel: 'telegram', guildId: '9' } },
          { agentId: 'main', match: { channel: 'discord', teamId: 'T1' } },
          { agentId: 'main', match: { channel: 'slack', roles: ['1'] } },
        ],
      }),
    ).toEqual([
      expect.objectContaining({
        path: 'bindings.0.match.guildId',
        message: expect.stringMatching(/discord/),
      }),
      expect.objectContaining({ path: 'bindings.1.match.teamId', message: expect.stringMatching(/slack/) }),
      expect.objectContaining({ path: 'bindings.2.match.roles', message: expect.stringMatching(/discord/) }),
    ]);
    // Per-binding session scopes and ACP bindings are not honoured here: refused, never ignored.
    expect(
      issuesOf({
        bindings: [{ agentId: 'main', match: { channel: 'slack' }, session: { dmScope: 'per-peer' } }],
      })[0]?.path,
    ).toBe('bindings.0.session');
    expect(
      issuesOf({ bindings: [{ agentId: 'main', type: 'acp', match: { channel: 'slack' } }] })[0]?.path,
    ).toBe('bindings.0.type');
    expect(
      issuesOf({ bindings: [{ agentId: 'main', match: { channel: 'slack', roles: [] } }] })[0]?.path,
    ).toBe('bindings.0.match.roles');
  });
});
