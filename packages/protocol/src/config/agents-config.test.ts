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
});
