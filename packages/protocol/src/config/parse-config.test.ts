import { Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { GatewayError } from '../errors.ts';
import type { ConfigIssue } from './config-issues.ts';
import { formatConfigIssues, locateIssues } from './config-issues.ts';
import { composeGatewayConfig, GatewayConfig } from './gateway-config.ts';
import { checkConfigText, configChecker, defaultConfig, parseConfig } from './parse-config.ts';

function rejection(raw: unknown): { path: string; message: string; issues: ConfigIssue[] } {
  try {
    parseConfig(raw);
  } catch (error) {
    expect(error).toBeInstanceOf(GatewayError);
    const e = error as GatewayError;
    expect(e.detailCode).toBe('CONFIG_INVALID');
    return { path: String(e.details?.path), message: e.message, issues: e.details?.issues as ConfigIssue[] };
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

  it('keeps values that were given', () => {
    const c = parseConfig({ gateway: { port: 1234 }, pairing: { autoApproveLoopback: false } });
    expect(c.gateway.port).toBe(1234);
    expect(c.gateway.bind).toBe('loopback');
    expect(c.pairing.autoApproveLoopback).toBe(false);
  });
});

/** Every leaf of `value` with its path (arrays and objects descended into). */
function leaves(value: unknown, path: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  if (value !== null && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [path];
}

function withValueAt(root: unknown, path: (string | number)[], v: unknown): unknown {
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let at = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  at[path.at(-1)!] = v;
  return copy;
}

describe('config checker', () => {
  it('is made once per schema object', () => {
    expect(configChecker(GatewayConfig)).toBe(configChecker(GatewayConfig));
    const other = Type.Object({ a: Type.String() });
    expect(configChecker(other)).not.toBe(configChecker(GatewayConfig));
    expect(configChecker(other).check({ a: 'x' })).toBe(true);
    expect(configChecker(other).check({ a: 1 })).toBe(false);
  });

  it('accepts and rejects exactly what the compiled TypeBox check does, for every key of a full config', () => {
    const account = Type.Object(
      {
        token: Type.Optional(Type.String({ minLength: 3 })),
        mode: Type.Optional(Type.Union([Type.Literal('a'), Type.Literal('b')])),
      },
      { additionalProperties: false },
    );
    const schema = composeGatewayConfig({
      demo: Type.Object(
        { ...account.properties, accounts: Type.Optional(Type.Record(Type.String(), account)) },
        { additionalProperties: false },
      ),
    });
    const full = parseConfig(
      { channels: { demo: { token: 'abc', mode: 'a', accounts: { x: { token: 'xyz' } } } } },
      schema,
    );
    const compiled = TypeCompiler.Compile(schema);
    const checker = configChecker(schema);
    const cases: unknown[] = [full, {}, null, [], 'x', { ...full, unknownKey: 1 }];
    const paths = leaves(full);
    expect(paths.length).toBeGreaterThan(50);
    for (const path of paths)
      for (const wrong of ['x', '', -1, 1.5, true, null, [], {}, 'a'])
        cases.push(withValueAt(full, path, wrong));
    let rejected = 0;
    for (const c of cases) {
      const want = compiled.Check(c);
      expect({ c, got: checker.check(c) }).toEqual({ c, got: want });
      if (!want) rejected++;
    }
    // The cases exercise both answers, not only one.
    expect(rejected).toBeGreaterThan(paths.length);
    expect(cases.length - rejected).toBeGreaterThan(20);
  });
});

describe('config errors', () => {
  it('names the unknown key itself, not the keys under it', () => {
    const r = rejection({ bogus: { key: 1 } });
    expect(r.path).toBe('bogus');
    expect(r.message).toMatch(/^config bogus: unknown key/);
    expect(r.message).not.toContain('unknown keys: key');
    expect(r.message).toContain('known sections: gateway, auth');
  });

  it('says what is allowed and what was given instead of "Expected union value"', () => {
    const r = rejection({ gateway: { bind: 'everywhere' } });
    expect(r.message).toBe(
      'config gateway.bind: must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"',
    );
    expect(r.message).not.toContain('Expected union value');
    expect(r.issues[0]).toMatchObject({
      path: 'gateway.bind',
      allowed: ['loopback', 'lan', 'tailnet', 'custom'],
    });
    expect(rejection({ gateway: { port: 'eighty' } }).message).toBe(
      'config gateway.port: must be an integer from 0 to 65535; got "eighty"',
    );
    expect(rejection({ auth: { rateLimit: { maxFailures: 0 } } }).message).toBe(
      'config auth.rateLimit.maxFailures: must be an integer of at least 1; got 0',
    );
    expect(rejection({ pairing: { autoApproveLoopback: 'yes' } }).message).toBe(
      'config pairing.autoApproveLoopback: must be true or false; got "yes"',
    );
    expect(rejection({ gateway: { allowedOrigins: 'https://a.example' } }).message).toBe(
      'config gateway.allowedOrigins: must be a list of strings; got "https://a.example"',
    );
  });

  it('never echoes a secret it rejects', () => {
    const r = rejection({ auth: { token: 'short-secret' } });
    expect(r.message).toBe(
      'config auth.token: must be a string of at least 16 characters; got a 12-character string',
    );
    expect(JSON.stringify(r.issues)).not.toContain('short-secret');
  });

  it('reports every problem at once', () => {
    const r = rejection({ bogus: 1, gateway: { prot: 1, bind: 'x' }, logging: { level: 'verbose' } });
    expect(r.issues.map((i) => i.path)).toEqual(['bogus', 'gateway.prot', 'gateway.bind', 'logging.level']);
    expect(r.message).toMatch(/^config has 4 problems: bogus: unknown key/);
  });

  it('suggests the key probably meant', () => {
    expect(rejection({ gateway: { prot: 1 } }).issues[0]).toMatchObject({
      path: 'gateway.prot',
      suggestion: 'gateway.port',
      message: 'unknown key; did you mean gateway.port?',
    });
    expect(rejection({ gateway: { allowedOrigin: [] } }).issues[0]?.suggestion).toBe(
      'gateway.allowedOrigins',
    );
    expect(rejection({ gatway: {} }).issues[0]?.suggestion).toBe('gateway');
    // A key in the wrong section points at where it belongs.
    expect(rejection({ port: 1 }).issues[0]?.suggestion).toBe('gateway.port');
    // Nothing close: no guess, the keys that exist instead.
    const far = rejection({ gateway: { zzzz: 1 } }).issues[0];
    expect(far?.suggestion).toBeUndefined();
    expect(far?.message).toBe(
      'unknown key (gateway takes bind, host, port, allowedOrigins, trustedProxies, tls)',
    );
  });
});

describe('config issues placed in a file', () => {
  it('puts every schema problem at its key and formats editor links', () => {
    const text = [
      '// my gateway',
      '{',
      '  gateway: {',
      "    bind: 'everywhere', /* typo below */",
      '    "prot": 1,',
      '  },',
      '  logging: { level: "verbose" },',
      '}',
    ].join('\n');
    const raw = { gateway: { bind: 'everywhere', prot: 1 }, logging: { level: 'verbose' } };
    const issues = locateIssues(rejection(raw).issues, text);
    expect(issues.map((i) => [i.path, i.line, i.column])).toEqual([
      ['gateway.bind', 4, 5],
      ['gateway.prot', 5, 5],
      ['logging.level', 7, 14],
    ]);
    expect(formatConfigIssues(issues, '/etc/openclaw.json')).toEqual([
      '/etc/openclaw.json:4:5: gateway.bind: must be one of "loopback", "lan", "tailnet", "custom"; got "everywhere"',
      '/etc/openclaw.json:5:5: gateway.prot: unknown key; did you mean gateway.port?',
      '/etc/openclaw.json:7:14: logging.level: must be one of "fatal", "error", "warn", "info", "debug", "trace"; got "verbose"',
    ]);
    expect(formatConfigIssues([{ path: 'a', message: 'm' }])).toEqual(['a: m']);
  });

  it('reports a syntax error at the line and column the parser gave', () => {
    const error = Object.assign(new SyntaxError("JSON5: invalid character ',' at 3:17"), {
      lineNumber: 3,
      columnNumber: 17,
    });
    const r = checkConfigText('ignored', () => {
      throw error;
    });
    expect(r).toEqual({
      ok: false,
      issues: [
        { path: '', kind: 'syntax', message: "not valid JSON5: invalid character ','", line: 3, column: 17 },
      ],
    });
    expect(formatConfigIssues(r.ok ? [] : r.issues, 'c.json5')).toEqual([
      "c.json5:3:17: not valid JSON5: invalid character ','",
    ]);
  });
});
