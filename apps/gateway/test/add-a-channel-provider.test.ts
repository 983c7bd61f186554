// The "add a channel provider" recipe of docs/ARCHITECTURE.md, followed for a throwaway platform
// (Relay, in ./relay-provider: what its package's src/ would hold, plus a small fake of the
// platform). Only the places the recipe names are touched: the provider's own modules, the list
// of providers in the gateway app (here: that list plus the new descriptor), and the docs' option
// table, generated from the schema. The core then runs it like any other channel: the whole
// channel contract suite passes against the fake.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gatewayConfigSchema } from '@openclaw/gateway-core';
import { describeChannelContract } from '@openclaw/gateway-core/testing';
import { secretFields } from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { renderChannelOptions } from '../src/channel-options-doc.ts';
import { channelProviders } from '../src/channel-providers.ts';
import { FakeRelay, RELAY_TEXT_MAX } from './relay-provider/fake-relay.ts';
import { relayProvider } from './relay-provider/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const packageDir = join(here, 'relay-provider');
/** How long the fake holds an empty poll, and the adapter's wait after a failed one. */
const HOLD_MS = 100;
const RETRY_MS = 100;
const names: Record<string, string> = { 'u-ann': 'Ann', 'u-bob': 'Bob' };

describeChannelContract<FakeRelay>({
  provider: relayProvider,
  platformTextLimit: {
    max: RELAY_TEXT_MAX,
    unit: 'codepoint',
    source: 'the fake Relay server refuses a longer text with 400',
  },
  startFake: () => FakeRelay.start(),
  stopFake: (f) => f.close(),
  accountConfig: (f) => ({ url: f.url, token: f.token, holdMs: HOLD_MS, retryMs: RETRY_MS }),
  ids: { senderA: 'u-ann', senderB: 'u-bob', group: 'g-1' },
  pushDirect: async (f, m) => f.pushDirect({ id: m.senderId, name: m.senderName }, m.text),
  pushGroup: async (f, m) =>
    f.pushGroup(m.groupId, { id: m.senderId, name: names[m.senderId] ?? m.senderName }, m.text, m.mention),
  sent: (f) => f.sent,
  directChatId: (s) => s,
  groupChatId: (g) => g,
  failNextSendWith429: (f, s) => f.failNextSend(429, s),
  // Relay's 429 carries Retry-After in seconds.
  expectedRetryWaitMs: (s) => s * 1000,
  sendCalls: (f) => f.sendCalls,
  goOffline: (f) => f.goOffline(),
  goOnline: (f) => f.goOnline(),
  activity: (f) => f.activity(),
  // A poll is answered within the hold; a failed one is retried after RETRY_MS.
  maxSilenceMs: () => HOLD_MS + RETRY_MS,
});

describe('adding a channel provider (the recipe in docs/ARCHITECTURE.md)', () => {
  const withRelay = [...channelProviders, relayProvider];

  it("the gateway's config schema takes the new channel from its descriptor, secrets and credentials marked", () => {
    const schema = gatewayConfigSchema(withRelay);
    const secret = secretFields(schema).map((f) => f.path.join('.'));
    expect(secret).toContain('channels.relay.token');
    expect(secret).toContain('channels.relay.accounts.*.token');
    // A channel missing from the app's list is no channel at all.
    expect(secretFields(gatewayConfigSchema(channelProviders)).some((f) => f.path[1] === 'relay')).toBe(
      false,
    );
    // Defaults and rules come from the schema; isConfigured from its credential marks.
    const config = relayProvider.parseAccountConfig({ url: 'http://relay.test/', token: 't' }, 'default');
    expect(config).toEqual({ url: 'http://relay.test', token: 't', holdMs: 25_000, retryMs: 1000 });
    expect(relayProvider.isConfigured(config)).toBe(true);
    expect(relayProvider.isConfigured(relayProvider.parseAccountConfig({ url: 'http://x' }, 'default'))).toBe(
      false,
    );
    expect(() => relayProvider.parseAccountConfig({ tokn: 't' }, 'default')).toThrow(/tokn/);
  });

  it("the docs' option table is generated from the schema", () => {
    const table = renderChannelOptions(withRelay);
    expect(table).toContain('### Relay (`channels.relay`)');
    expect(table).toMatch(/\| `token` \| string \| {2}\| secret, credential \| The bot token/);
    expect(table).toMatch(/\| `holdMs` \| integer \| `25000` \|/);
  });

  it('its modules import only the adapter subpath of the core (and TypeBox, Node built-ins, each other)', () => {
    const allowed = (s: string) =>
      s.startsWith('./') ||
      s.startsWith('node:') ||
      s === '@openclaw/gateway-core/channel' ||
      s === '@sinclair/typebox';
    const imports = readdirSync(packageDir)
      .filter((f) => f.endsWith('.ts') && !f.startsWith('fake-'))
      .flatMap((f) =>
        [...readFileSync(join(packageDir, f), 'utf8').matchAll(/\bfrom '([^']+)'|import\('([^']+)'\)/g)].map(
          (m) => `${f}: ${m[1] ?? m[2]}`,
        ),
      );
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((i) => !allowed(i.split(': ')[1]!))).toEqual([]);
  });

  it('reading the descriptor loads no adapter; creating an account does', () => {
    // A child process that records every module it resolves.
    const script = `
      import { registerHooks } from 'node:module';
      const seen = [];
      registerHooks({ resolve(specifier, context, next) { const r = next(specifier, context); seen.push(r.url); return r; } });
      const { relayProvider } = await import(${JSON.stringify(pathToFileURL(join(packageDir, 'index.ts')).href)});
      const before = [...seen];
      const config = relayProvider.parseAccountConfig({ url: 'http://127.0.0.1:9', token: 't' }, 'default');
      await relayProvider.create(config, 'default');
      process.stdout.write(JSON.stringify({ before, after: seen }));
    `;
    const r = spawnSync(
      process.execPath,
      ['--conditions=@openclaw/source', '--input-type=module', '-e', script],
      { cwd: join(here, '..'), encoding: 'utf8', timeout: 30_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    const { before, after } = JSON.parse(r.stdout) as { before: string[]; after: string[] };
    const adapter = (urls: string[]) => urls.some((u) => u.endsWith('/relay-provider/relay-adapter.ts'));
    expect(before.some((u) => u.endsWith('/relay-provider/capabilities.ts'))).toBe(true);
    expect(adapter(before)).toBe(false);
    expect(adapter(after)).toBe(true);
  });
});
