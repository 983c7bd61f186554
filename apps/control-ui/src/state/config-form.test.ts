import {
  composeGatewayConfig,
  GatewayConfig,
  GatewayError,
  parseConfig,
  REDACTED,
  SecretString,
} from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import { served } from '../../test/gateway-schema.ts';
import {
  allFields,
  allSections,
  buildPatch,
  type ConfigField,
  type ConfigSection,
  describeChanges,
  describeConfig,
  formatValue,
  type JsonSchema,
  ownerOf,
  parseInput,
  placeIssues,
  readIssues,
  searchFields,
  secretIsSet,
  REDACTED as UI_REDACTED,
  valueAt,
} from './config-form.ts';

// The real schema, as config.schema sends it.
const schema = JSON.parse(JSON.stringify(GatewayConfig)) as JsonSchema;
const layout = describeConfig(schema, { 'auth.token': { sensitive: true } });

function find(path: string): ConfigField {
  const walk = (s: ConfigSection): ConfigField | undefined =>
    s.fields.find((f) => f.path === path) ?? s.sections.map(walk).find(Boolean);
  const f = walk(layout);
  if (!f) throw new Error(`no field ${path}`);
  return f;
}

function invalid(raw: unknown): GatewayError {
  try {
    parseConfig(raw);
  } catch (error) {
    if (error instanceof GatewayError) return error;
  }
  throw new Error('expected CONFIG_INVALID');
}

describe('config form', () => {
  it('lays the schema out as sections and typed fields, in schema order', () => {
    expect(layout.sections.map((s) => s.key)).toContain('limits');
    expect(find('limits.tickIntervalMs')).toMatchObject({ kind: 'integer', minimum: 50 });
    expect(find('gateway.bind')).toMatchObject({
      kind: 'enum',
      options: ['loopback', 'lan', 'tailnet', 'custom'],
    });
    expect(find('pairing.autoApproveLoopback').kind).toBe('boolean');
    expect(find('gateway.allowedOrigins').kind).toBe('list');
    expect(find('auth.token').sensitive).toBe(true);
    expect(find('auth.rateLimit.maxFailures').kind).toBe('integer');
    const top = layout.items.map((i) => ('field' in i ? i.field.key : i.section.key));
    expect(top[0]).toBe('gateway');
    expect(top.at(-1)).toBe('channels');
  });

  it('parses what was typed, and only judges what the input cannot hold', () => {
    const tick = find('limits.tickIntervalMs');
    expect(parseInput(tick, ' 20000 ')).toEqual({ ok: true, value: 20000 });
    expect(parseInput(tick, 'soon')).toEqual({ ok: false, error: 'Enter a whole number.' });
    // Out of range is the gateway's call (same schema it runs on).
    expect(parseInput(tick, '10')).toEqual({ ok: true, value: 10 });
    expect(parseInput(tick, '')).toEqual({ ok: true, value: undefined });
    expect(parseInput(find('gateway.allowedOrigins'), 'https://a.example\n\n https://b.example ')).toEqual({
      ok: true,
      value: ['https://a.example', 'https://b.example'],
    });
    expect(parseInput({ ...find('gateway.port'), kind: 'json' }, '{"telegram": ')).toMatchObject({
      ok: false,
    });
    expect(formatValue(find('auth.token'), REDACTED)).toBe('');
    expect(formatValue(find('gateway.allowedOrigins'), ['x', 'y'])).toBe('x\ny');
  });

  it('writes a merge patch of only what changed; cleared fields and removed keys become null', () => {
    const original = {
      limits: { tickIntervalMs: 15000, maxPayload: 100 },
      gateway: { allowedOrigins: [] },
      channels: { telegram: { botToken: 't' }, slack: { appToken: 'a' } },
    };
    const edits = new Map<string, unknown>([
      ['limits.tickIntervalMs', 20000],
      ['limits.maxPayload', 100],
      ['gateway.allowedOrigins', undefined],
      ['channels', { telegram: { botToken: 't', webhook: true } }],
    ]);
    expect(buildPatch(original, edits)).toEqual({
      limits: { tickIntervalMs: 20000 },
      gateway: { allowedOrigins: null },
      channels: { telegram: { webhook: true }, slack: null },
    });
    expect(buildPatch(original, new Map([['limits.maxPayload', 100]]))).toBeUndefined();
  });

  it("puts each of the gateway's issues next to the field its path names", () => {
    const error = invalid({ limits: { tickIntervalMs: 10 }, auth: { rateLimit: { maxFailures: 0 } } });
    const placed = placeIssues(layout, { message: error.message, details: error.details });
    expect(placed.general).toEqual([]);
    expect(placed.byPath.get('limits.tickIntervalMs')?.[0]?.path).toBe('limits.tickIntervalMs');
    expect(placed.byPath.get('limits.tickIntervalMs')?.[0]?.message).toMatch(/50/);
    expect(placed.byPath.get('auth.rateLimit.maxFailures')).toHaveLength(1);
    // A path below any field (a key under a channel the schema has no provider for) lands on the
    // nearest owner.
    const deep = placeIssues(layout, {
      message: 'bad',
      details: { issues: [{ path: 'channels.telegram.botToken', message: 'bad' }] },
    });
    expect(deep.byPath.get('channels')?.[0]).toEqual({ path: 'channels.telegram.botToken', message: 'bad' });
    // An unknown key is reported on its parent section; a root problem is general.
    const unknown = invalid({ limits: { nope: 1 } });
    expect([
      ...placeIssues(layout, { message: unknown.message, details: unknown.details }).byPath.keys(),
    ]).toEqual(['limits']);
    expect(
      placeIssues(layout, { message: 'config: not valid JSON5', details: { path: '' } }).general,
    ).toHaveLength(1);
  });

  it('reads secrets from the schema marks: hidden with set/unset only; a URL secret stays visible', () => {
    expect(UI_REDACTED).toBe(REDACTED);
    // A gateway's composed schema: a channel section with a marked token, as config.schema sends it.
    const channel = {
      type: 'object',
      properties: { botToken: SecretString(), apiRoot: { type: 'string' } },
    } as unknown as Parameters<typeof composeGatewayConfig>[0][string];
    const composed = JSON.parse(JSON.stringify(composeGatewayConfig({ telegram: channel }))) as JsonSchema;
    const form = describeConfig(composed);
    const all = (sec: ConfigSection): ConfigField[] => [...sec.fields, ...sec.sections.flatMap(all)];
    const byPath = new Map(all(form).map((f) => [f.path, f]));
    expect(byPath.get('channels.telegram.botToken')?.sensitive).toBe(true);
    expect(byPath.get('channels.telegram.apiRoot')?.sensitive).toBe(false);
    // No hint needed: the mark on auth.token in the schema itself hides it.
    expect(byPath.get('auth.token')?.sensitive).toBe(true);
    expect(byPath.get('cluster.redisUrl')?.sensitive).toBe(false);
    expect(formatValue(byPath.get('channels.telegram.botToken')!, REDACTED)).toBe('');
    expect(secretIsSet(REDACTED)).toBe(true);
    expect(secretIsSet(undefined)).toBe(false);
  });
});

describe('config form over the composed schema (providers under channels)', () => {
  const config = {
    gateway: { port: 18789, bind: 'loopback' },
    channels: {
      telegram: {
        dmPolicy: 'pairing',
        accounts: { default: {}, support: { botToken: REDACTED, requireMention: false } },
      },
      slack: { botToken: REDACTED },
    },
  };
  const form = describeConfig(served.schema, served.uiHints, config);
  const fields = new Map(allFields(form).map((f) => [f.path, f]));
  const sections = new Map(allSections(form).map((s) => [s.path, s]));

  it('gives every channel a section titled with the provider, and each configured account its own', () => {
    expect(sections.get('channels.telegram')?.title).toBe('Telegram');
    expect(sections.get('channels.whatsapp')?.title).toBe('WhatsApp');
    const accounts = sections.get('channels.telegram.accounts');
    expect(accounts?.sections.map((s) => s.key)).toEqual(['default', 'support']);
    expect(accounts?.sections.every((s) => s.entry)).toBe(true);
    // Each account's secret is a field of its own, with its own set/unset state.
    const token = fields.get('channels.telegram.accounts.support.botToken');
    expect(token).toMatchObject({ sensitive: true, credential: true, kind: 'string' });
    expect(secretIsSet(valueAt(config, 'channels.telegram.accounts.support.botToken'))).toBe(true);
    expect(secretIsSet(valueAt(config, 'channels.telegram.accounts.default.botToken'))).toBe(false);
    // A channel with no accounts map has an empty one; maps without secrets (groups) stay JSON.
    expect(sections.get('channels.slack.accounts')?.sections).toEqual([]);
    expect(fields.get('channels.telegram.groups')?.kind).toBe('json');
  });

  it('marks secrets, URL secrets and credentials from the schema, and describes each field', () => {
    expect(fields.get('channels.slack.appToken')).toMatchObject({ sensitive: true, credential: true });
    expect(fields.get('channels.telegram.apiRoot')).toMatchObject({ sensitive: false, urlSecret: true });
    expect(fields.get('channels.telegram.tokenFile')).toMatchObject({ sensitive: false, credential: false });
    expect(fields.get('channels.telegram.dmPolicy')?.options).toEqual([
      'pairing',
      'allowlist',
      'open',
      'disabled',
    ]);
    expect(fields.get('gateway.port')).toMatchObject({ minimum: 0, maximum: 65535, default: 18789 });
    // Sender ids may be numbers: still a list typed one per line.
    expect(fields.get('channels.telegram.allowFrom')?.kind).toBe('list');
  });

  it('reads a boolean with no schema default as three states, so "not set" is never shown as false', () => {
    const mention = fields.get('channels.telegram.accounts.support.requireMention')!;
    expect(mention.triState).toBe(true);
    expect(formatValue(mention, false)).toBe('false');
    expect(formatValue(mention, undefined)).toBe('');
    expect(parseInput(mention, '')).toEqual({ ok: true, value: undefined });
    expect(parseInput(mention, 'true')).toEqual({ ok: true, value: true });
    const loopback = fields.get('pairing.autoApproveLoopback')!;
    expect(loopback.triState).toBe(false);
    // A checkbox with a default shows the default when the key is absent.
    expect(formatValue(loopback, undefined)).toBe(loopback.default === true);
  });

  it('reviews changes before saving without ever showing a secret', () => {
    const edits = new Map<string, unknown>([
      ['gateway.port', 19000],
      ['channels.telegram.accounts.support.botToken', '999:new-secret-value'],
      ['channels.slack.botToken', undefined],
      ['channels.telegram.accounts.default.botToken', '123:first-secret'],
      ['gateway.bind', undefined],
      ['gateway.host', undefined],
    ]);
    const changes = describeChanges(allFields(form), config, edits);
    expect(changes).toEqual([
      { path: 'gateway.bind', before: '"loopback"', after: 'default ("loopback")', kind: 'reset' },
      { path: 'gateway.port', before: '18789', after: '19000', kind: 'changed' },
      {
        path: 'channels.telegram.accounts.default.botToken',
        before: 'not set',
        after: 'set',
        kind: 'secret-set',
      },
      {
        path: 'channels.telegram.accounts.support.botToken',
        before: 'set',
        after: 'replaced',
        kind: 'secret-replaced',
      },
      { path: 'channels.slack.botToken', before: 'set', after: 'not set', kind: 'secret-removed' },
    ]);
    expect(JSON.stringify(changes)).not.toContain('secret-value');
    expect(JSON.stringify(changes)).not.toContain(REDACTED);
    // The patch carries the new secret (typed here) and null for the removed one.
    expect(buildPatch(config, edits)).toEqual({
      gateway: { port: 19000, bind: null },
      channels: {
        telegram: {
          accounts: {
            support: { botToken: '999:new-secret-value' },
            default: { botToken: '123:first-secret' },
          },
        },
        slack: { botToken: null },
      },
    });
  });

  it('finds fields by key, description, allowed value or provider name, key matches first', () => {
    expect(searchFields(form, 'port')[0]?.path).toBe('gateway.port');
    expect(searchFields(form, 'telegram token').map((f) => f.path)).toContain(
      'channels.telegram.accounts.support.botToken',
    );
    expect(searchFields(form, 'tailnet').map((f) => f.path)).toContain('gateway.bind');
    expect(searchFields(form, '   ')).toEqual([]);
    expect(searchFields(form, 'no-such-words-anywhere')).toEqual([]);
  });

  it("keeps what the gateway's issues carry: kind, allowed values, the key probably meant, position", () => {
    let error: GatewayError | undefined;
    try {
      parseConfig({ gateway: { bind: 'everywhere', prot: 1 } });
    } catch (e) {
      error = e as GatewayError;
    }
    const issues = readIssues({ message: error!.message, details: error!.details });
    expect(issues).toContainEqual(
      expect.objectContaining({
        path: 'gateway.bind',
        kind: 'invalid-value',
        allowed: ['loopback', 'lan', 'tailnet', 'custom'],
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({ path: 'gateway.prot', kind: 'unknown-key', suggestion: 'gateway.port' }),
    );
    const placed = placeIssues(form, { message: error!.message, details: error!.details });
    expect(placed.byPath.get('gateway.bind')?.[0]?.allowed).toHaveLength(4);
    expect(placed.byPath.get('gateway')?.[0]?.suggestion).toBe('gateway.port');
    expect(ownerOf(form, 'channels.telegram.accounts.support.botToken')).toBe(
      'channels.telegram.accounts.support.botToken',
    );
    expect(ownerOf(form, 'channels.telegram.accounts.sales.botToken')).toBe('channels.telegram.accounts');
    expect(readIssues({ message: 'broken', details: {} })).toEqual([{ path: '', message: 'broken' }]);
  });
});
