import {
  gatewayError,
  THEME_COLOR_KEYS,
  THEME_FONT_KEYS,
  THEME_LIMITS,
  type ThemeDefinition,
  type ThemePalette,
} from '@openclaw/protocol';

// The params schema has already checked the shape and lengths. What is checked here is what a
// schema cannot say: that each value is something a browser can use as it is (a CSS color, a
// font list with balanced quotes and no resources), that catalog ids exist, and the total size.
// A definition is stored only after it passes, so what the UI later reads back is usable.

/** The critters and hats the Control UI draws itself; a personal theme may use only these. */
export const THEME_CRITTERS: readonly string[] = ['penguin', 'fedora'];
export const THEME_HATS: readonly string[] = ['fedora', 'crown', 'santa', 'party', 'pumpkin'];

export const themeInvalid = (path: string, message: string) => {
  const at = path ? `definition.${path}` : 'definition';
  return gatewayError('INVALID_REQUEST', 'THEME_INVALID', `${at} ${message}`, { details: { path: at } });
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it finds.
const CONTROL = /[\u0000-\u001f\u007f]/;

function text(value: string, path: string, max: number): string {
  const t = value.trim();
  if (!t || t.length > max || CONTROL.test(t))
    throw themeInvalid(path, `must be text of 1 to ${max} characters without control characters`);
  return t;
}

const NUM = String.raw`[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:e[+-]?\d+)?`;
const COMPONENT = new RegExp(`^(?:${NUM}(?:%|deg|grad|rad|turn)?|none)$`, 'i');
const HEX = /^#(?:[0-9a-f]{3,4}|[0-9a-f]{6}|[0-9a-f]{8})$/i;
const KEYWORD = /^[a-z]{3,24}$/i;
const FUNCTION = /^(rgba?|hsla?|hwb|lab|lch|oklab|oklch|color)\(([^()]*)\)$/i;
const COLOR_SPACE = /^(?:srgb|srgb-linear|display-p3|a98-rgb|prophoto-rgb|rec2020|xyz|xyz-d50|xyz-d65)$/i;

/** A CSS color: hex, a color keyword, or one color function with consistent separators. */
export function isCssColor(value: string): boolean {
  const v = value.trim();
  if (HEX.test(v) || KEYWORD.test(v)) return true;
  const m = FUNCTION.exec(v);
  if (!m) return false;
  const fn = (m[1] ?? '').toLowerCase();
  const inner = (m[2] ?? '').trim();
  const all = (parts: string[]) => parts.every((p) => COMPONENT.test(p));
  if (inner.includes(',')) {
    // The legacy comma form: three or four components, commas only, only for rgb and hsl.
    const parts = inner.split(',').map((p) => p.trim());
    return /^(?:rgba?|hsla?)$/.test(fn) && (parts.length === 3 || parts.length === 4) && all(parts);
  }
  const [body = '', alpha, ...rest] = inner.split('/').map((p) => p.trim());
  if (rest.length > 0 || (alpha !== undefined && !COMPONENT.test(alpha))) return false;
  const parts = body.split(/\s+/);
  if (fn === 'color') return parts.length === 4 && COLOR_SPACE.test(parts[0] ?? '') && all(parts.slice(1));
  return parts.length === 3 && all(parts);
}

const QUOTED = /^(?:"[^"\\]*"|'[^'\\]*')$/;
const UNQUOTED = /^[a-z_-][a-z0-9_-]*(?: [a-z_-][a-z0-9_-]*)*$/i;

/**
 * A font-family list of locally installed fonts: comma-separated names, each quoted or a run of
 * identifiers. No url(), no declarations: nothing that loads a resource or escapes the value.
 */
export function isFontList(value: string): boolean {
  const families: string[] = [];
  let current = '';
  let quote: string | undefined;
  for (const ch of value) {
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ',') {
      families.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (quote) return false;
  families.push(current.trim());
  return families.every((f) => QUOTED.test(f) || UNQUOTED.test(f));
}

function palette(p: ThemePalette, path: string): ThemePalette {
  const out: Record<string, string> = {};
  for (const key of THEME_COLOR_KEYS) {
    const v = (p as Record<string, string>)[key] ?? '';
    if (!isCssColor(v)) throw themeInvalid(`${path}.${key}`, `${JSON.stringify(v)} is not a CSS color`);
    out[key] = v.trim();
  }
  for (const key of THEME_FONT_KEYS) {
    const v = p[key];
    if (v === undefined) continue;
    if (!isFontList(v))
      throw themeInvalid(`${path}.${key}`, 'must be a comma-separated font list with balanced quotes');
    out[key] = v.trim();
  }
  return out as ThemePalette;
}

function ids(values: readonly string[], known: readonly string[], path: string): string[] {
  const seen = new Set<string>();
  for (const v of values) {
    if (!known.includes(v)) throw themeInvalid(path, `unknown id ${v} (known: ${known.join(', ')})`);
    if (seen.has(v)) throw themeInvalid(path, `${v} is listed twice`);
    seen.add(v);
  }
  return [...seen];
}

/** The definition as it will be stored (trimmed), or a THEME_INVALID error naming the field. */
export function normalizeThemeDefinition(d: ThemeDefinition): ThemeDefinition {
  if (!d.light && !d.dark) throw themeInvalid('light', 'a theme needs a light or a dark palette (or both)');
  const out: ThemeDefinition = {
    name: text(d.name, 'name', THEME_LIMITS.nameChars),
    description: text(d.description, 'description', THEME_LIMITS.descriptionChars),
  };
  if (d.mascot !== undefined) out.mascot = d.mascot;
  if (d.workingPhrases !== undefined) {
    const phrases = d.workingPhrases.map((p, i) =>
      text(p, `workingPhrases.${i}`, THEME_LIMITS.workingPhraseChars),
    );
    if (new Set(phrases).size !== phrases.length) throw themeInvalid('workingPhrases', 'has a duplicate');
    out.workingPhrases = phrases;
  }
  if (d.critters !== undefined) out.critters = ids(d.critters, THEME_CRITTERS, 'critters');
  if (d.avatarHat !== undefined)
    out.avatarHat = ids([d.avatarHat], THEME_HATS, 'avatarHat')[0] ?? d.avatarHat;
  if (d.light) out.light = palette(d.light, 'light');
  if (d.dark) out.dark = palette(d.dark, 'dark');
  const bytes = Buffer.byteLength(JSON.stringify(out));
  if (bytes > THEME_LIMITS.definitionBytes)
    throw themeInvalid('', `is ${bytes} bytes; at most ${THEME_LIMITS.definitionBytes} are kept`);
  return out;
}

/** The variants a definition provides. */
export const themeModes = (d: ThemeDefinition): ('light' | 'dark')[] =>
  (['light', 'dark'] as const).filter((m) => d[m] !== undefined);
