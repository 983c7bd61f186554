import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HEARTBEAT_PROMPT, heartbeatSettings } from './agent-heartbeat-settings.ts';

const ids = ['main', 'ops', 'desk'];

describe('heartbeatSettings', () => {
  it('no heartbeat block: every agent is off (0m), so an upgrade calls no model on its own', () => {
    const s = heartbeatSettings(parseConfig({ agents: { list: [{ id: 'ops' }, { id: 'desk' }] } }), ids);
    expect(s.map((x) => [x.agentId, x.everyMs, x.configured])).toEqual([
      ['main', 0, false],
      ['ops', 0, false],
      ['desk', 0, false],
    ]);
    expect(s[0]).toMatchObject({
      prompt: DEFAULT_HEARTBEAT_PROMPT,
      target: 'owner',
      defaultTarget: true,
      timeoutMs: 600_000,
    });
  });

  it("agent.heartbeat alone is main's; once an entry has a block, only those agents run, merged over it", () => {
    const only = heartbeatSettings(parseConfig({ agent: { heartbeat: { every: '30m' } } }), ['main', 'ops']);
    expect(only.map((x) => x.everyMs)).toEqual([1_800_000, 0]);
    const cfg = parseConfig({
      agent: { heartbeat: { every: '30m', target: 'none', lightContext: true } },
      agents: { list: [{ id: 'ops', heartbeat: { every: '1h', timeoutSeconds: 45 } }, { id: 'desk' }] },
    });
    const [main, ops, desk] = heartbeatSettings(cfg, ids);
    expect(main?.everyMs).toBe(0);
    expect(ops).toMatchObject({
      everyMs: 3_600_000,
      target: 'none',
      defaultTarget: false,
      lightContext: true,
      timeoutMs: 45_000,
    });
    expect(desk?.configured).toBe(false);
  });

  it('the ceiling defaults to the interval, at most 600 s; 0m is configured but off', () => {
    const [m] = heartbeatSettings(parseConfig({ agent: { heartbeat: { every: '2m' } } }), ['main']);
    expect(m?.timeoutMs).toBe(120_000);
    const [off] = heartbeatSettings(parseConfig({ agent: { heartbeat: { every: '0m' } } }), ['main']);
    expect(off).toMatchObject({ configured: true, everyMs: 0 });
  });

  it('bad blocks are refused with their paths', () => {
    const issues = (raw: unknown) => {
      try {
        parseConfig(raw);
        return [];
      } catch (error) {
        return ((error as { details: { issues: { path: string }[] } }).details.issues ?? []).map(
          (i) => i.path,
        );
      }
    };
    expect(issues({ agent: { heartbeat: { every: 'soon' } } })).toEqual(['agent.heartbeat.every']);
    expect(issues({ agent: { heartbeat: { target: 'telegram' } } })).toEqual(['agent.heartbeat.to']);
    expect(
      issues({
        agents: { list: [{ id: 'ops', heartbeat: { activeHours: { start: '9:00', end: '17:00' } } }] },
      }),
    ).toEqual(['agents.list.0.heartbeat.activeHours.start']);
    expect(
      issues({
        agent: { heartbeat: { activeHours: { start: '09:00', end: '17:00', timezone: 'Mars/Base' } } },
      }),
    ).toEqual(['agent.heartbeat.activeHours.timezone']);
  });

  it('isolatedSession, directPolicy, target owner and commands.ownerAllowFrom are read, and refused with their paths when bad', () => {
    const cfg = parseConfig({
      agent: { heartbeat: { target: 'owner', isolatedSession: true, directPolicy: 'block' } },
      commands: { ownerAllowFrom: ['telegram:123456789', 42] },
    });
    expect(heartbeatSettings(cfg, ['main'])[0]).toMatchObject({
      target: 'owner',
      isolatedSession: true,
      directPolicy: 'block',
    });
    expect(heartbeatSettings(parseConfig({}), ['main'])[0]).toMatchObject({
      isolatedSession: false,
      directPolicy: 'allow',
    });
    const paths = (raw: unknown) => {
      try {
        parseConfig(raw);
        return [];
      } catch (error) {
        return ((error as { details: { issues: { path: string }[] } }).details.issues ?? []).map(
          (i) => i.path,
        );
      }
    };
    expect(paths({ agent: { heartbeat: { directPolicy: 'deny' } } })).toEqual([
      'agent.heartbeat.directPolicy',
    ]);
    expect(paths({ agents: { list: [{ id: 'ops', heartbeat: { isolatedSession: 'yes' } }] } })).toEqual([
      'agents.list.0.heartbeat.isolatedSession',
    ]);
    expect(paths({ commands: { ownerAllowFrom: ['telegram:'] } })).toEqual(['commands.ownerAllowFrom.0']);
    expect(paths({ commands: { ownerAllowFrom: 'telegram:1' } })).toEqual(['commands.ownerAllowFrom']);
    expect(paths({ commands: { native: true } })).toEqual(['commands.native']);
  });
});
