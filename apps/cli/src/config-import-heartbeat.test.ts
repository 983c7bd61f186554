import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { importReferenceConfig } from './config-import.ts';

describe('config import: heartbeat blocks', () => {
  it('carries cadence, prompt, target (owner too) with to, model, context, isolation, direct policy, timeout, active hours, commands.ownerAllowFrom and heartbeat visibility; drops the rest with reasons', () => {
    const r = importReferenceConfig({
      agents: {
        defaults: {
          model: { primary: 'local/qwen3' },
          heartbeat: {
            every: '45m',
            target: 'telegram',
            to: '123456789',
            accountId: 'ops',
            prompt: 'Check the queue. Else NO_REPLY.',
            model: 'local/qwen3-mini',
            lightContext: true,
            timeoutSeconds: 90,
            activeHours: { start: '08:00', end: '24:00', timezone: 'Europe/Berlin' },
            isolatedSession: true,
            directPolicy: 'block',
            session: 'agent:main:telegram:direct:1',
          },
        },
        entries: {
          main: { default: true },
          ops: { heartbeat: { every: 'often', target: 'owner' } },
          desk: { heartbeat: { every: '1h', target: 'pigeon' } },
        },
      },
      commands: { ownerAllowFrom: ['telegram:123456789', 42], native: 'auto' },
      channels: {
        defaults: { heartbeatVisibility: { showOk: true }, groupPolicy: 'open' },
        telegram: { botToken: '123:abc', heartbeatVisibility: { showAlerts: false } },
      },
      models: { providers: { local: { baseUrl: 'http://127.0.0.1:1234/v1', api: 'openai-completions' } } },
    });
    const cfg = parseConfig(r.config);
    expect(cfg.agent.heartbeat).toEqual({
      every: '45m',
      target: 'telegram',
      to: '123456789',
      accountId: 'ops',
      prompt: 'Check the queue. Else NO_REPLY.',
      model: 'openai-compatible/qwen3-mini',
      lightContext: true,
      timeoutSeconds: 90,
      activeHours: { start: '08:00', end: '24:00', timezone: 'Europe/Berlin' },
      isolatedSession: true,
      directPolicy: 'block',
    });
    expect(cfg.agents.list.find((a) => a.id === 'ops')?.heartbeat).toEqual({ every: '30m', target: 'owner' });
    // A target that cannot be kept: its alerts stay in the main session, as the reason says.
    expect(cfg.agents.list.find((a) => a.id === 'desk')?.heartbeat).toEqual({ every: '1h', target: 'none' });
    expect(cfg.commands).toEqual({ ownerAllowFrom: ['telegram:123456789', 42] });
    expect(cfg.channels).toMatchObject({
      defaults: { heartbeatVisibility: { showOk: true } },
      telegram: { heartbeatVisibility: { showAlerts: false } },
    });
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(dropped).toMatchObject({
      'agents.defaults.heartbeat.session': expect.stringMatching(/main session/),
      'agents.entries.ops.heartbeat.every': expect.stringMatching(/not a duration here/),
      'agents.entries.desk.heartbeat.target': expect.stringMatching(/no pigeon provider/),
      'commands.native': expect.stringMatching(/only ownerAllowFrom/),
      'channels.defaults.groupPolicy': expect.stringMatching(/not a channel default here/),
    });
    expect(dropped).not.toHaveProperty('agents.entries.ops.heartbeat.target');
    expect(dropped).not.toHaveProperty('agents.defaults.heartbeat.isolatedSession');
  });
});
