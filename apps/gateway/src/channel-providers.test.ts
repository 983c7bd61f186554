import { defineChannelProvider } from '@openclaw/gateway-core';
import { telegramProvider } from '@openclaw/provider-telegram';
import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { channelProviders, loadProviders } from './channel-providers.ts';
import { StartupError } from './startup-error.ts';

describe('the providers a config names', () => {
  it('are the configured ones, in the list order', () => {
    const got = loadProviders({ whatsapp: {}, telegram: { botToken: '1:x' } });
    expect(got.map((p) => p.id)).toEqual(['telegram', 'whatsapp']);
    expect(got[0]).toBe(telegramProvider);
    expect(loadProviders({})).toEqual([]);
  });

  it('a configured channel whose library is not installed fails at start, naming what to install', () => {
    const lonely = defineChannelProvider({
      id: 'lonely',
      label: 'Lonely',
      capabilities: telegramProvider.capabilities,
      configSchema: Type.Object({}, { additionalProperties: false }),
      libraries: ['openclaw-no-such-library'],
      create: () => {
        throw new Error('never created');
      },
    });
    const known = [...channelProviders, lonely];
    // Not configured: nothing to check.
    expect(loadProviders({ telegram: {} }, known).map((p) => p.id)).toEqual(['telegram']);
    const error = (() => {
      try {
        loadProviders({ lonely: {} }, known);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(StartupError);
    expect(error).toMatchObject({ code: 'CHANNEL_LIBRARY_MISSING', exitCode: 2 });
    expect((error as Error).message).toContain(
      'channel "lonely" is configured but its library (openclaw-no-such-library) is not installed',
    );
  });

  it('every provider names its platform libraries, each an optional dependency of the gateway', async () => {
    const pkg = (await import('../package.json', { with: { type: 'json' } })).default;
    for (const p of channelProviders) {
      expect(p.libraries.length, p.id).toBeGreaterThan(0);
      for (const l of p.libraries) expect(Object.keys(pkg.optionalDependencies), p.id).toContain(l);
    }
  });
});
