import { defaultConfig } from '@openclaw/gateway-core';
import { describe, expect, it } from 'vitest';
import { findTailnetAddress, isLoopbackAddress, resolveBindHost } from './bind.ts';
import { applyOverrides } from './options.ts';
import { hasCredentialInQuery, originAllowed } from './peer.ts';
import { StartupError } from './startup-error.ts';

describe('flags over env over file', () => {
  it('applies env over the file and flags over env', () => {
    const file = defaultConfig();
    file.gateway.port = 1111;
    file.auth.token = 'file-token-0000000000';
    const env = { OPENCLAW_GATEWAY_PORT: '2222', OPENCLAW_GATEWAY_TOKEN: 'env-token-0000000000' };
    const fromEnv = applyOverrides(file, env, {});
    expect(fromEnv.gateway.port).toBe(2222);
    expect(fromEnv.auth.token).toBe('env-token-0000000000');
    const fromFlags = applyOverrides(file, env, { port: 3333, token: 'flag-token-000000000', bind: 'lan' });
    expect(fromFlags.gateway.port).toBe(3333);
    expect(fromFlags.auth.token).toBe('flag-token-000000000');
    expect(fromFlags.gateway.bind).toBe('lan');
    expect(file.gateway.port).toBe(1111);
  });

  it('switches to password auth when only a password is given, and custom bind with --host', () => {
    const c = applyOverrides(defaultConfig(), {}, { password: 'correct horse', host: '10.0.0.5' });
    expect(c.auth.mode).toBe('password');
    expect(c.gateway.bind).toBe('custom');
    expect(c.gateway.host).toBe('10.0.0.5');
  });

  it('rejects a bad env value with its name', () => {
    expect(() => applyOverrides(defaultConfig(), { OPENCLAW_GATEWAY_PORT: 'http' }, {})).toThrow(
      StartupError,
    );
    expect(() => applyOverrides(defaultConfig(), { OPENCLAW_GATEWAY_BIND: 'world' }, {})).toThrow(
      /OPENCLAW_GATEWAY_BIND/,
    );
  });
});

describe('bind modes', () => {
  const ifaces = {
    lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }],
    eth0: [{ address: '192.168.1.5', family: 'IPv4', internal: false }],
    tailscale0: [{ address: '100.101.102.103', family: 'IPv4', internal: false }],
  } as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

  it('maps each mode to an address', () => {
    expect(resolveBindHost('loopback', undefined, ifaces)).toBe('127.0.0.1');
    expect(resolveBindHost('lan', undefined, ifaces)).toBe('0.0.0.0');
    expect(resolveBindHost('tailnet', undefined, ifaces)).toBe('100.101.102.103');
    expect(resolveBindHost('custom', '10.1.1.1', ifaces)).toBe('10.1.1.1');
  });

  it('says clearly when there is no tailnet address or no custom host', () => {
    const noTail = { eth0: ifaces.eth0 } as typeof ifaces;
    expect(() => resolveBindHost('tailnet', undefined, noTail)).toThrow(/no Tailscale address/);
    expect(findTailnetAddress(noTail)).toBeUndefined();
    expect(() => resolveBindHost('custom', undefined, ifaces)).toThrow(/gateway.host/);
  });

  it('knows loopback addresses, mapped ones included', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::ffff:127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('192.168.1.5')).toBe(false);
  });
});

describe('browser and URL safety', () => {
  it('allows same-origin and listed origins only', () => {
    expect(originAllowed(undefined, '127.0.0.1:18789', [])).toBe(true);
    expect(originAllowed('http://127.0.0.1:18789', '127.0.0.1:18789', [])).toBe(true);
    expect(originAllowed('https://evil.example', '127.0.0.1:18789', [])).toBe(false);
    expect(originAllowed('https://ui.example', '127.0.0.1:18789', ['https://ui.example'])).toBe(true);
    expect(originAllowed('not a url', '127.0.0.1:18789', [])).toBe(false);
  });

  it('spots credentials in query strings', () => {
    expect(hasCredentialInQuery('/?token=abc')).toBe(true);
    expect(hasCredentialInQuery('/metrics?Password=x')).toBe(true);
    expect(hasCredentialInQuery('/readyz?verbose=1')).toBe(false);
    expect(hasCredentialInQuery('/')).toBe(false);
  });
});
