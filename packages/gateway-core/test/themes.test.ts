// themes.*: the reference Control UI's and theme tool's own request shapes, through a real core
// over a real WebSocket with a real SQLite store; every answer is checked against our result
// schema (validateResults). The reference's published schema (the oracle) predates the themes
// family, so the request shapes here are the ones its 2026.9.6 UI and theme tool send; the interop
// suite (apps/gateway/test/themes.interop.test.ts) checks our params schemas against the
// reference's own validators from that package.
import type { GatewayClient, GatewayRequestError } from '@openclaw/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from './harness.ts';
import { referenceMethodScope } from './reference-oracle.ts';

const palette = (bg: string, fg: string, accent: string) => ({
  background: bg,
  foreground: fg,
  card: bg,
  'card-foreground': fg,
  popover: bg,
  'popover-foreground': fg,
  primary: accent,
  'primary-foreground': bg,
  secondary: 'rgb(40 44 52)',
  'secondary-foreground': fg,
  muted: 'hsl(220 10% 20%)',
  'muted-foreground': 'rgba(200, 200, 210, 0.8)',
  accent: 'oklch(0.7 0.15 200 / 90%)',
  'accent-foreground': bg,
  destructive: '#d33',
  'destructive-foreground': '#fff',
  border: '#444a55',
  input: '#444a55',
  ring: accent,
  'font-sans': '"Fira Sans", system-ui, sans-serif',
  'font-mono': 'ui-monospace, monospace',
});

const harbour = {
  name: 'Harbour',
  description: 'Night-harbour navy with lamp-orange controls and a clean sans.',
  mascot: 'none',
  workingPhrases: ['Docking', 'Charting'],
  critters: ['penguin'],
  avatarHat: 'crown',
  dark: palette('#0b1424', '#e6edf7', '#ff9a3c'),
};

// The reference's method table (dist/method-scopes of openclaw 2026.9.6).
const referenceScopes = {
  'themes.list': 'operator.read',
  'themes.get': 'operator.read',
  'themes.set': 'operator.write',
  'themes.import': 'operator.write',
};

describe('themes.* in the reference shapes, through a real gateway', () => {
  let h: Harness;
  let c: GatewayClient;
  const call = (method: string, params: unknown) =>
    (c.call as (m: string, p: unknown) => Promise<Record<string, unknown>>)(method, params);
  const refusal = async (method: string, params: unknown) =>
    (await call(method, params).then(
      () => undefined,
      (e: unknown) => e,
    )) as GatewayRequestError;

  beforeAll(async () => {
    h = await startHarness();
    c = await h.operator();
  });
  afterAll(async () => {
    await h?.close();
  });

  it('advertises the family with the reference scopes (the published oracle does not have it yet)', () => {
    for (const m of Object.keys(referenceScopes)) {
      expect(c.hello?.features.methods).toContain(m);
      expect(referenceMethodScope(m)).toBeUndefined();
    }
  });

  it('lists the built-in catalog and the default selection, as the Control UI asks (themes.list {})', async () => {
    const r = await call('themes.list', {});
    const themes = r.themes as { id: string; source: string; modes: string[] }[];
    expect(themes.map((t) => t.id)).toEqual([
      'claw',
      'knot',
      'dash',
      'absolutely',
      'tide',
      'beacon',
      'phosphor',
      'crt',
      'manuscript',
      'rose',
      'miami',
    ]);
    expect(themes.every((t) => t.source === 'builtin' && t.modes.length === 2)).toBe(true);
    expect(r.current).toEqual({ id: 'claw', mode: 'system', scope: 'gateway', overrides: {} });
    expect((r.theme as { id: string }).id).toBe('claw');
    expect(r.definition).toBeUndefined();
  });

  it('imports a personal theme, applies it, and reads it back from list and get', async () => {
    const r = await call('themes.import', { id: 'harbour', apply: true, mode: 'dark', definition: harbour });
    expect(r.application).toBe('saved');
    expect(r.current).toEqual({
      id: 'user/harbour',
      mode: 'dark',
      effectiveMode: 'dark',
      scope: 'gateway',
      overrides: { id: 'user/harbour', mode: 'dark' },
    });
    expect(r.theme).toMatchObject({
      id: 'user/harbour',
      source: 'user',
      modes: ['dark'],
      avatarHat: 'crown',
    });
    expect(r.definition).toEqual(harbour);

    const list = await call('themes.list', {});
    expect((list.themes as { id: string }[]).at(-1)?.id).toBe('user/harbour');
    expect((list.current as { id: string }).id).toBe('user/harbour');
    expect(list.definition).toEqual(harbour);
    // The Control UI asks for a non-built-in theme's palettes by id.
    const got = await call('themes.get', { id: 'user/harbour' });
    expect(got.definition).toEqual(harbour);
    expect(await call('themes.get', {})).toEqual({
      current: got.current,
      theme: got.theme,
      definition: harbour,
    });
  });

  it('selects by id and mode, clears with null, and moves a kept mode a theme cannot show', async () => {
    let r = await call('themes.set', { id: 'tide', mode: 'light' });
    expect(r.current).toMatchObject({ id: 'tide', mode: 'light', effectiveMode: 'light' });
    expect(r.application).toBe('saved');
    // harbour has only a dark palette: the kept light mode follows it.
    r = await call('themes.set', { id: 'user/harbour' });
    expect(r.current).toMatchObject({ id: 'user/harbour', mode: 'dark', effectiveMode: 'dark' });
    r = await call('themes.set', { id: null, mode: null });
    expect(r.current).toEqual({ id: 'claw', mode: 'system', scope: 'gateway', overrides: {} });
  });

  it('refuses what it cannot keep with a typed INVALID_REQUEST naming the problem', async () => {
    const bad = async (method: string, params: unknown, code: string, text: RegExp) => {
      const e = await refusal(method, params);
      expect(e?.code).toBe('INVALID_REQUEST');
      expect(e.details?.code).toBe(code);
      expect(e.message).toMatch(text);
    };
    const withDark = (over: Record<string, string>) => ({
      ...harbour,
      dark: { ...harbour.dark, ...over },
    });
    await bad(
      'themes.import',
      { id: 'x', definition: withDark({ primary: 'url(https://e.example/x)' }) },
      'THEME_INVALID',
      /definition\.dark\.primary .* is not a CSS color/,
    );
    await bad(
      'themes.import',
      { id: 'x', definition: withDark({ background: 'rgb(1, 2 3)' }) },
      'THEME_INVALID',
      /definition\.dark\.background/,
    );
    await bad(
      'themes.import',
      { id: 'x', definition: withDark({ 'font-sans': '"Open Sans, sans-serif' }) },
      'THEME_INVALID',
      /definition\.dark\.font-sans .*balanced quotes/,
    );
    await bad(
      'themes.import',
      { id: 'x', definition: { ...harbour, critters: ['penguin', 'dragon'] } },
      'THEME_INVALID',
      /definition\.critters unknown id dragon/,
    );
    await bad(
      'themes.import',
      { id: 'x', definition: { name: 'No palette', description: 'Nothing to show.' } },
      'THEME_INVALID',
      /light or a dark palette/,
    );
    // Every field within its own limit, the whole over the size bound of a definition.
    const n = `1.${'0'.repeat(33)}`;
    const wide = Object.fromEntries(
      Object.keys(harbour.dark)
        .filter((k) => !k.startsWith('font-'))
        .map((k) => [k, `rgb(${n} ${n} ${n})`]),
    );
    const big = {
      ...harbour,
      light: { ...wide, 'font-sans': 'serif' },
      dark: { ...wide, 'font-mono': 'monospace' },
    };
    await bad('themes.import', { id: 'x', definition: big }, 'THEME_INVALID', /bytes; at most 4096/);
    await bad(
      'themes.import',
      { id: 'x', mode: 'dark', definition: harbour },
      'THEME_INVALID',
      /apply: true/,
    );
    await bad(
      'themes.import',
      { id: 'x', apply: true, mode: 'light', definition: harbour },
      'THEME_MODE_UNSUPPORTED',
      /no light palette/,
    );
    await bad('themes.set', { id: 'user/nope' }, 'THEME_UNKNOWN', /user\/nope is not in the catalog/);
    await bad('themes.get', { id: 'nope' }, 'THEME_UNKNOWN', /nope/);
    await bad('themes.set', {}, 'THEME_INVALID', /set a theme id or mode/);
    await bad(
      'themes.set',
      { id: 'tide', appearance: { accent: 'teal' } },
      'THEME_INVALID',
      /no user profiles/,
    );
    // Shape errors come from the params schema.
    await bad('themes.import', { id: 'Bad Id', definition: harbour }, 'PARAMS_INVALID', /id/);
    // Nothing refused was stored.
    const list = await call('themes.list', {});
    expect(
      (list.themes as { id: string }[]).filter((t) => t.id.startsWith('user/')).map((t) => t.id),
    ).toEqual(['user/harbour']);
  });

  it('needs operator.write to change themes and operator.read to read them, like the reference', async () => {
    const reader = await h.operator({ scopes: ['operator.read'] });
    const r = (
      await (reader.call as (m: string, p: unknown) => Promise<{ themes: unknown[] }>)('themes.list', {})
    ).themes;
    expect(r.length).toBeGreaterThan(0);
    const e = (await (reader.call as (m: string, p: unknown) => Promise<unknown>)('themes.set', {
      id: 'tide',
    }).catch((x: unknown) => x)) as GatewayRequestError;
    expect(e.details?.code).toBe('MISSING_SCOPE');
    expect(e.details?.missingScope).toBe(referenceScopes['themes.set']);
    const { methods } = await import('@openclaw/protocol');
    for (const [m, scope] of Object.entries(referenceScopes))
      expect(methods[m as keyof typeof methods].scope).toBe(scope);
  });
});
