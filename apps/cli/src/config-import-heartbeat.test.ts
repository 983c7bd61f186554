import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { importReferenceConfig } from './config-import.ts';

describe('config import: heartbeat blocks', () => {
  it('carries cadence, prompt, target with to, model, context, timeout and active hours; drops the rest with reasons', () => {
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
          },
        },
        entries: { main: { default: true }, ops: { heartbeat: { every: 'often', target: 'owner' } } },
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
    });
    expect(cfg.agents.list.find((a) => a.id === 'ops')?.heartbeat).toEqual({ every: '30m', target: 'none' });
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(dropped).toMatchObject({
      'agents.defaults.heartbeat.isolatedSession': expect.stringMatching(/main session/),
      'agents.entries.ops.heartbeat.every': expect.stringMatching(/not a duration here/),
      'agents.entries.ops.heartbeat.target': expect.stringMatching(/owner DMs/),
    });
  });
});
