import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { composeGatewayConfig } from './gateway-config.ts';
import { parseConfig } from './parse-config.ts';
import {
  credential,
  credentialFields,
  credentialMarks,
  credentialNeeded,
  REDACTED,
  redactSecrets,
  restoreSecrets,
  SecretRestoreError,
  SecretString,
  SecretUrl,
  schemaHints,
  secretFields,
  secretValues,
} from './secret-fields.ts';

const account = Type.Object(
  {
    botToken: Type.Optional(SecretString(credential({}))),
    apiRoot: Type.Optional(SecretUrl()),
    webhook: Type.Optional(Type.Object({ secretToken: Type.Optional(SecretString()) })),
    name: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const channel = Type.Object(
  { ...account.properties, accounts: Type.Optional(Type.Record(Type.String(), account)) },
  { additionalProperties: false },
);
const schema = composeGatewayConfig({ telegram: channel });

const stored = {
  auth: { token: 'gateway-token-0123456789' },
  cluster: { redisUrl: 'redis://:r3dis%2Fpass@cache.internal:6380/2' },
  channels: {
    telegram: {
      botToken: '123:shared-token',
      name: 'bots',
      accounts: {
        a: { botToken: '456:token-a', webhook: { secretToken: 'webhook-secret-aaaa' } },
        b: { apiRoot: 'http://proxy.local:8081' },
      },
    },
  },
};

describe('secret fields', () => {
  it('are found by the mark, through records and nested objects, never by name', () => {
    const paths = secretFields(schema).map((f) => `${f.path.join('.')}:${f.kind}`);
    expect(paths).toEqual(
      expect.arrayContaining([
        'auth.token:value',
        'auth.password:value',
        'cluster.redisUrl:url-password',
        'agent.openai.baseUrl:url-password',
        'channels.telegram.botToken:value',
        'channels.telegram.accounts.*.botToken:value',
        'channels.telegram.accounts.*.webhook.secretToken:value',
        'channels.telegram.apiRoot:url-password',
      ]),
    );
    expect(paths.some((p) => p.startsWith('channels.telegram.name'))).toBe(false);
    expect(credentialFields(schema).map((p) => p.join('.'))).toEqual([
      'channels.telegram.botToken',
      'channels.telegram.accounts.*.botToken',
    ]);
    expect(schemaHints(schema)['channels.telegram.botToken']).toEqual({
      sensitive: true,
      secret: 'value',
      credential: true,
    });
  });

  it('read a credential needed only when a sibling has a value, with what an unset sibling means', () => {
    const account = Type.Object({
      token: Type.Optional(Type.String(credential({}))),
      secret: Type.Optional(
        Type.String(credential({}, { neededWhen: { mode: ['http', 'both'] }, defaults: { mode: 'ws' } })),
      ),
      mode: Type.Optional(Type.String()),
    });
    const json = JSON.parse(JSON.stringify(account));
    const marks = credentialMarks(json);
    expect(marks.map((m) => m.path.join('.'))).toEqual(['token', 'secret']);
    expect(credentialFields(json).map((p) => p.join('.'))).toEqual(['token', 'secret']);
    const [token, secret] = marks.map((m) => m.mark);
    expect(token).toBe(true);
    expect(credentialNeeded(token!, {})).toBe(true);
    expect(credentialNeeded(secret!, {})).toBe(false);
    expect(credentialNeeded(secret!, { mode: '' })).toBe(false);
    expect(credentialNeeded(secret!, { mode: 'ws' })).toBe(false);
    expect(credentialNeeded(secret!, { mode: 'http' })).toBe(true);
    expect(credentialNeeded(secret!, { mode: 'both' })).toBe(true);
    // Without a default, an unset sibling matches no listed value.
    expect(credentialNeeded({ neededWhen: { mode: 'ws' } }, {})).toBe(false);
    expect(credentialNeeded({ neededWhen: { mode: 'ws' } }, { mode: 'ws' })).toBe(true);
  });

  it('read an unset sibling as the first inferred rule that holds, else as its default', () => {
    const account = Type.Object({
      secret: Type.Optional(
        Type.String(
          credential(
            {},
            {
              neededWhen: { mode: 'http' },
              defaults: { mode: 'ws' },
              inferred: { mode: [{ value: 'http', set: ['secret'], unset: ['appKey'] }] },
            },
          ),
        ),
      ),
    });
    // The mark as config.schema serves it (plain JSON).
    const [only] = credentialMarks(JSON.parse(JSON.stringify(account)));
    const secret = only!.mark;
    expect(credentialNeeded(secret, {})).toBe(false);
    expect(credentialNeeded(secret, { secret: 's' })).toBe(true);
    expect(credentialNeeded(secret, { secret: 's', appKey: '' })).toBe(true);
    expect(credentialNeeded(secret, { secret: 's', appKey: 'k' })).toBe(false);
    expect(credentialNeeded(secret, { secret: '', appKey: '' })).toBe(false);
    // A mode that is set is taken as it is.
    expect(credentialNeeded(secret, { secret: 's', mode: 'ws' })).toBe(false);
    expect(credentialNeeded(secret, { appKey: 'k', mode: 'http' })).toBe(true);
  });

  it('are read from a schema object once: later calls share one frozen answer, other schemas get their own', () => {
    const first = credentialMarks(schema);
    expect(credentialMarks(schema)).toBe(first);
    expect(first.map((m) => m.path.join('.'))).toEqual([
      'channels.telegram.botToken',
      'channels.telegram.accounts.*.botToken',
    ]);
    // Shared, so no caller may change it for the next.
    expect(Object.isFrozen(first)).toBe(true);
    expect(() => (first as unknown as unknown[]).push({})).toThrow(TypeError);
    expect(() => (first[0]!.path as string[]).push('x')).toThrow(TypeError);
    // Keyed by the object: the same shape rebuilt elsewhere is walked on its own.
    const other = Type.Object({ key: Type.Optional(Type.String(credential({}))) });
    expect(credentialMarks(other).map((m) => m.path.join('.'))).toEqual(['key']);
    expect(credentialMarks(schema)).toBe(first);
    expect(credentialFields(schema)).toEqual(first.map((m) => m.path));
  });

  it('redact every marked value, only the password of a URL, and leave unset ones alone', () => {
    const r = redactSecrets(schema, stored);
    expect(r.auth.token).toBe(REDACTED);
    expect(r.cluster.redisUrl).toBe(`redis://:${REDACTED}@cache.internal:6380/2`);
    expect(r.channels.telegram.botToken).toBe(REDACTED);
    expect(r.channels.telegram.name).toBe('bots');
    expect(r.channels.telegram.accounts.a).toEqual({
      botToken: REDACTED,
      webhook: { secretToken: REDACTED },
    });
    // A URL without a password has nothing to hide.
    expect(r.channels.telegram.accounts.b.apiRoot).toBe('http://proxy.local:8081');
    const text = JSON.stringify(r);
    for (const v of secretValues(schema, stored)) expect(text).not.toContain(v);
    // The input is untouched.
    expect(stored.channels.telegram.botToken).toBe('123:shared-token');
  });

  it('collect every secret value, a URL password both encoded and decoded', () => {
    expect(secretValues(schema, stored).sort()).toEqual(
      [
        'gateway-token-0123456789',
        'r3dis%2Fpass',
        'r3dis/pass',
        '123:shared-token',
        '456:token-a',
        'webhook-secret-aaaa',
      ].sort(),
    );
  });

  it('round-trip: the redacted config written back keeps every stored secret', () => {
    const back = restoreSecrets(schema, redactSecrets(schema, stored), stored);
    expect(back).toEqual(stored);
    // A changed secret is taken as typed; the others are kept.
    const edited = redactSecrets(schema, stored);
    edited.channels.telegram.accounts.a.botToken = '789:new-token';
    const next = restoreSecrets(schema, edited, stored);
    expect(next.channels.telegram.accounts.a.botToken).toBe('789:new-token');
    expect(next.channels.telegram.botToken).toBe('123:shared-token');
    expect(parseConfig(next, schema).channels).toEqual(next.channels);
  });

  it('a placeholder with nothing stored behind it is dropped, never written as the secret', () => {
    const next = restoreSecrets(
      schema,
      { auth: { token: REDACTED }, channels: { telegram: { accounts: { c: { botToken: REDACTED } } } } },
      { channels: { telegram: { accounts: { a: { botToken: '456:token-a' } } } } },
    );
    expect(next).toEqual({ auth: {}, channels: { telegram: { accounts: { c: {} } } } });
  });

  it('a URL keeps its stored password only on the same scheme, user, host and port', () => {
    const prev = { cluster: { redisUrl: 'redis://:pw-1@cache.internal:6380/2' } };
    expect(
      restoreSecrets(schema, { cluster: { redisUrl: `redis://:${REDACTED}@cache.internal:6380/5` } }, prev),
    ).toEqual({ cluster: { redisUrl: 'redis://:pw-1@cache.internal:6380/5' } });
    const moved = () =>
      restoreSecrets(schema, { cluster: { redisUrl: `redis://:${REDACTED}@evil.example:6380/2` } }, prev);
    expect(moved).toThrow(SecretRestoreError);
    expect(moved).toThrow(/same scheme, user, host and port/);
    try {
      moved();
    } catch (error) {
      expect((error as SecretRestoreError).path).toBe('cluster.redisUrl');
      expect((error as Error).message).not.toContain('pw-1');
    }
    expect(() =>
      restoreSecrets(
        schema,
        { auth: { token: `x${REDACTED}` } },
        { auth: { token: 'a-long-token-0123456789' } },
      ),
    ).toThrow(/placeholder/);
  });

  it('a validation error names the key, not the secret value', () => {
    const bad = Type.Object({ botToken: SecretString({ pattern: '^\\d+:' }) });
    try {
      parseConfig(
        { channels: { telegram: { botToken: 'no-digits-super-secret' } } },
        composeGatewayConfig({ telegram: bad }),
      );
      throw new Error('expected CONFIG_INVALID');
    } catch (error) {
      const text = JSON.stringify({
        message: (error as Error).message,
        details: (error as { details?: unknown }).details,
      });
      expect(text).toContain('channels.telegram.botToken');
      expect(text).not.toContain('no-digits-super-secret');
    }
  });
});
