import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.ts';
import { defaultConfig, parseConfig } from './parse-config.ts';

function issueOf(raw: unknown): { path: string; message: string } {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const e = error as GatewayError;
    expect(e.detailCode).toBe('CONFIG_INVALID');
    return { path: String(e.details?.path), message: e.message };
  }
  throw new Error('expected the config to be rejected');
}

describe('config schema', () => {
  it('fills every default from an empty config', () => {
    const c = defaultConfig();
    expect(c.gateway).toMatchObject({
      bind: 'loopback',
      port: 18789,
      allowedOrigins: [],
      trustedProxies: [],
    });
    expect(c.auth.mode).toBe('token');
    expect(c.auth.rateLimit.maxFailures).toBe(10);
    expect(c.pairing.autoApproveLoopback).toBe(true);
    expect(c.limits.maxPayload).toBe(25 * 1024 * 1024);
  });

  it('names the key of a wrong value', () => {
    const i = issueOf({ gateway: { port: 'eighty' } });
    expect(i.path).toBe('gateway.port');
    expect(i.message).toContain('gateway.port');
    expect(issueOf({ auth: { rateLimit: { maxFailures: 0 } } }).path).toBe('auth.rateLimit.maxFailures');
    expect(issueOf({ gateway: { bind: 'everywhere' } }).path).toBe('gateway.bind');
  });

  it('rejects unknown keys, naming them', () => {
    const i = issueOf({ gateway: { prot: 1 } });
    expect(i.message).toMatch(/prot/);
  });

  it('keeps values that were given', () => {
    const c = parseConfig({ gateway: { port: 1234 }, pairing: { autoApproveLoopback: false } });
    expect(c.gateway.port).toBe(1234);
    expect(c.gateway.bind).toBe('loopback');
    expect(c.pairing.autoApproveLoopback).toBe(false);
  });
});
