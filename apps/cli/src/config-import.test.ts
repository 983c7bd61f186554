import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { importReferenceConfig } from './config-import.ts';

const ENV_REF = ['$', '{SLACK_BOT_TOKEN}'].join('');

// A reference openclaw.json in the shape its docs show, with settings this gateway has and has not.
const reference = {
  gateway: {
    mode: 'local',
    port: 19001,
    bind: 'lan',
    publicOrigin: 'https://gw.example.com',
    auth: {
      mode: 'token',
      token: 'a-long-reference-token-0123456789',
      rateLimit: { maxAttempts: 5, windowMs: 60000, lockoutMs: 120000, exemptLoopback: true },
      identityScopes: { 'a@example.com': ['operator.admin'] },
    },
    controlUi: { enabled: true, allowedOrigins: ['https://control.example.com'] },
    trustedProxies: ['10.0.0.1'],
    tailscale: { mode: 'off' },
  },
  channels: {
    telegram: {
      botToken: '123456:ABCdef',
      dmPolicy: 'pairing',
      allowFrom: ['tg:1'],
      streaming: { mode: 'off' },
    },
    matrix: { homeserver: 'https://m.example.com' },
    slack: {
      // An environment reference, the way reference configs name secrets kept elsewhere.
      accounts: { work: { botToken: ENV_REF, appToken: 'xapp-1', requireMention: true } },
    },
  },
  agents: { defaults: { model: { primary: 'local/qwen3' }, maxConcurrent: 4 }, entries: { main: {} } },
  models: {
    mode: 'merge',
    providers: {
      local: {
        baseUrl: 'http://127.0.0.1:1234/v1',
        apiKey: 'sk-local',
        api: 'openai-completions',
        models: [],
      },
      anthropic: { apiKey: 'x' },
    },
  },
  logging: { level: 'debug', file: '/tmp/x.log' },
  tools: { exec: { security: 'full' } },
  plugins: { entries: {} },
};

describe('config import from a reference openclaw.json', () => {
  it('carries over what has a meaning here and lists the rest with reasons', () => {
    const r = importReferenceConfig(structuredClone(reference));
    const cfg = parseConfig(r.config);
    expect(cfg.gateway).toMatchObject({
      port: 19001,
      bind: 'lan',
      allowedOrigins: ['https://control.example.com'],
      trustedProxies: ['10.0.0.1'],
    });
    expect(cfg.auth).toMatchObject({
      mode: 'token',
      token: 'a-long-reference-token-0123456789',
      rateLimit: { maxFailures: 5, windowMs: 60000, lockoutMs: 120000 },
    });
    expect(cfg.agent).toMatchObject({
      backend: 'openai-compatible',
      openai: { baseUrl: 'http://127.0.0.1:1234/v1', model: 'qwen3' },
    });
    expect(cfg.logging.level).toBe('debug');
    // The roster (here main alone) is carried over; see config-import-agents.test.ts.
    expect(cfg.agents.list).toEqual([{ id: 'main' }]);
    expect(cfg.channels).toEqual({
      telegram: { botToken: '123456:ABCdef', dmPolicy: 'pairing', allowFrom: ['tg:1'] },
      slack: { accounts: { work: { appToken: 'xapp-1', requireMention: true } } },
    });
    // The API key never goes into the config file: it is handed back for the key file.
    expect(r.agentApiKey).toBe('sk-local');
    expect(JSON.stringify(r.config)).not.toContain('sk-local');

    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    for (const key of [
      'gateway.mode',
      'gateway.publicOrigin',
      'gateway.tailscale',
      'gateway.auth.identityScopes',
      'gateway.auth.rateLimit.exemptLoopback',
      'gateway.controlUi.enabled',
      'channels.telegram.streaming',
      'channels.matrix',
      'channels.slack.accounts.work.botToken',
      'agents.defaults.maxConcurrent',
      'models.providers.anthropic',
      'logging.file',
      'tools',
      'plugins',
    ]) {
      expect(dropped[key], key).toEqual(expect.any(String));
    }
    expect(dropped['channels.matrix']).toMatch(/no matrix provider/);
    expect(dropped['channels.slack.accounts.work.botToken']).toMatch(/secret reference/);
    const carried = r.carried.map((c) => c.from);
    expect(carried).toEqual(
      expect.arrayContaining(['gateway.port', 'gateway.auth.token', 'channels.telegram']),
    );
  });

  it('keeps the echo backend when the default model is not OpenAI-compatible, and drops invalid values', () => {
    const r = importReferenceConfig({
      gateway: { port: 'not-a-port', bind: 'auto', auth: { mode: 'trusted-proxy', token: 'short' } },
      agents: { defaults: { model: { primary: 'anthropic/claude' } } },
      models: { providers: { anthropic: { apiKey: 'x' } } },
    });
    const cfg = parseConfig(r.config);
    expect(cfg.agent.backend).toBe('echo');
    expect(cfg.gateway.port).toBe(18789);
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(dropped['gateway.bind']).toMatch(/not one of/);
    expect(dropped['gateway.auth.mode']).toMatch(/not supported/);
    expect(dropped['gateway.auth.token']).toMatch(/16 characters/);
    expect(dropped['agents.defaults.model.primary']).toMatch(/OpenAI-compatible/);
    expect(r.agentApiKey).toBeUndefined();
  });

  it('carries the Control UI preferences over, dropping each value this gateway refuses', () => {
    const r = importReferenceConfig({
      ui: {
        seamColor: '#FF4500',
        prefs: {
          theme: 'tide',
          themeMode: 'dim',
          locale: 'de',
          accent: 'theme',
          sidebarEntries: ['route:cron'],
        },
        assistant: { name: 'x' },
      },
    });
    expect(parseConfig(r.config).ui).toEqual({
      seamColor: '#FF4500',
      prefs: { theme: 'tide', locale: 'de', accent: 'theme', sidebarEntries: ['route:cron'] },
    });
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(Object.keys(dropped).sort()).toEqual(['ui.assistant', 'ui.prefs.themeMode']);
    expect(dropped['ui.prefs.themeMode']).toMatch(/not valid here/);
  });
});
