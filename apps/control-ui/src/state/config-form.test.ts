import {
  composeGatewayConfig,
  GatewayConfig,
  GatewayError,
  parseConfig,
  REDACTED,
  SecretString,
} from '@openclaw/protocol';
import { describe, expect, it } from 'vitest';
import {
  buildPatch,
  type ConfigField,
  type ConfigSection,
  describeConfig,
  formatValue,
  type JsonSchema,
  parseInput,
  placeIssues,
  secretIsSet,
  REDACTED as UI_REDACTED,
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
    expect(find('channels').kind).toBe('json');
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
    expect(parseInput(find('channels'), '{"telegram": ')).toMatchObject({ ok: false });
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
    // A path below any field (inside the free-form channels object) lands on the nearest owner.
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
