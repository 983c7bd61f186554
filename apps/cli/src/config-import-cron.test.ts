import { parseConfig } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { importReferenceConfig } from './config-import.ts';

describe('config import: the cron block', () => {
  it('carries the switch, the webhook token and network policy and the global failure alerts; drops the rest with reasons', () => {
    const r = importReferenceConfig({
      cron: {
        enabled: false,
        skipMissedJobs: true,
        triggers: { enabled: false },
        webhookToken: 'hook-token-0123456789',
        webhookSsrfPolicy: {
          allowedHostnames: ['127.0.0.1'],
          blockedHostnames: ['*.internal.example'],
          allowIpv6UniqueLocalRange: true,
        },
        sessionRetention: '24h',
        webhook: 'https://old.example/hook',
        failureAlert: {
          enabled: true,
          after: 3,
          cooldownMs: 600_000,
          includeSkipped: true,
          mode: 'announce',
          channel: 'telegram',
          to: '-100123',
          accountId: 'main',
        },
      },
    });
    const cfg = parseConfig(r.config);
    expect(cfg.cron).toMatchObject({
      enabled: false,
      webhookToken: 'hook-token-0123456789',
      webhookSsrfPolicy: { allowedHostnames: ['127.0.0.1'], blockedHostnames: ['*.internal.example'] },
      failureAlert: {
        enabled: true,
        after: 3,
        cooldownMs: 600_000,
        includeSkipped: true,
        mode: 'announce',
        channel: 'telegram',
        to: '-100123',
        accountId: 'main',
      },
    });
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(Object.keys(dropped).sort()).toEqual([
      'cron.sessionRetention',
      'cron.skipMissedJobs',
      'cron.triggers',
      'cron.webhook',
      'cron.webhookSsrfPolicy.allowIpv6UniqueLocalRange',
    ]);
    expect(dropped['cron.skipMissedJobs']).toMatch(/missedPolicy/);
    expect(dropped['cron.webhook']).toMatch(/delivery mode webhook/);
    expect(r.carried.find((n) => n.from === 'cron.webhookToken')?.why).toMatch(/secret/);
  });

  it('drops a secret reference, a provider-prefixed alert target and values not valid here, each with the reason', () => {
    const r = importReferenceConfig({
      cron: {
        webhookToken: ['$', '{CRON_HOOK_TOKEN}'].join(''),
        failureAlert: { after: 0, channel: 'last', to: 'telegram:123', mode: 'announce', quiet: true },
      },
    });
    const cfg = parseConfig(r.config);
    expect(cfg.cron.webhookToken).toBeUndefined();
    expect(cfg.cron.failureAlert).toEqual({ channel: 'last', mode: 'announce' });
    const dropped = Object.fromEntries(r.dropped.map((d) => [d.from, d.why]));
    expect(dropped).toMatchObject({
      'cron.webhookToken': expect.stringMatching(/secret reference/),
      'cron.failureAlert.to': expect.stringMatching(/channel and to together/),
      'cron.failureAlert.after': expect.stringMatching(/not valid here/),
      'cron.failureAlert.quiet': expect.stringMatching(/no such failure-alert setting/),
    });
  });
});
