import { describe, expect, it } from 'vitest';
import { checkSecureContext } from './secure-context.ts';

const page = {
  isSecureContext: true,
  hasSubtleCrypto: true,
  protocol: 'http:',
  hostname: '127.0.0.1',
  port: '18789',
};

describe('checkSecureContext', () => {
  it('is fine on loopback and https, where the browser offers WebCrypto', () => {
    expect(checkSecureContext(page)).toEqual({ ok: true });
    expect(checkSecureContext({ ...page, protocol: 'https:', hostname: 'gw.example', port: '' })).toEqual({
      ok: true,
    });
  });

  it('on plain HTTP from a LAN address explains why and offers the tunnel', () => {
    const v = checkSecureContext({
      ...page,
      isSecureContext: false,
      hasSubtleCrypto: false,
      hostname: '192.168.1.20',
    });
    expect(v.ok).toBe(false);
    if (v.ok) return;
    expect(v.problem).toContain('plain HTTP from 192.168.1.20');
    expect(v.problem).toContain('crypto.subtle');
    expect(v.tunnelCommand).toBe('ssh -N -L 18789:127.0.0.1:18789 192.168.1.20');
    expect(v.tunnelUrl).toBe('http://127.0.0.1:18789/');
  });

  it('brackets IPv6 hosts and defaults the port', () => {
    const v = checkSecureContext({
      ...page,
      isSecureContext: false,
      hasSubtleCrypto: false,
      hostname: 'fd00::5',
      port: '',
    });
    expect(v.ok ? '' : v.tunnelCommand).toBe('ssh -N -L 18789:127.0.0.1:18789 [fd00::5]');
  });
});
