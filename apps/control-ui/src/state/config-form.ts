/**
 * What the gateway puts in place of a secret (config.get) and takes back as "keep the stored
 * value" (config.set / config.patch). Mirrors REDACTED in the protocol.
 */
export const REDACTED = '__OPENCLAW_REDACTED__';

/** The parts of JSON Schema that config.schema returns and the form understands. */
export interface JsonSchema {
  /** The gateway's secret mark: the whole value (`true`) or a URL's password (`url-password`). */
  'x-secret'?: boolean | string;
  type?: string | string[];
  description?: string;
  default?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  patternProperties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  anyOf?: JsonSchema[];
  const?: unknown;
  enum?: unknown[];
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
}

export type FieldKind = 'boolean' | 'integer' | 'number' | 'string' | 'enum' | 'list' | 'json';

export interface ConfigField {
  /** Dotted path, the same notation the gateway uses in CONFIG_INVALID details. */
  path: string;
  key: string;
  kind: FieldKind;
  description?: string;
  options?: string[];
  minimum?: number;
  maximum?: number;
  /** Held as a secret: never shown (only whether it is set), written only when typed. */
  sensitive: boolean;
}

export interface ConfigSection {
  path: string;
  key: string;
  description?: string;
  fields: ConfigField[];
  sections: ConfigSection[];
  /** Fields and sections together, in schema order (for rendering). */
  items: ({ field: ConfigField } | { section: ConfigSection })[];
}

/** A field value as typed: text, or a checkbox state. */
export type FieldInput = string | boolean;

export type ParsedInput = { ok: true; value: unknown } | { ok: false; error: string };

/** The form layout for a config schema: objects become sections, everything else a field. */
export function describeConfig(schema: JsonSchema, uiHints: Record<string, unknown> = {}): ConfigSection {
  return section(schema, '', '', uiHints);
}

function section(
  schema: JsonSchema,
  path: string,
  key: string,
  hints: Record<string, unknown>,
): ConfigSection {
  const out: ConfigSection = { path, key, fields: [], sections: [], items: [] };
  if (schema.description) out.description = schema.description;
  for (const [k, child] of Object.entries(schema.properties ?? {})) {
    const p = path ? `${path}.${k}` : k;
    if (child.properties && !child.patternProperties) {
      const s = section(child, p, k, hints);
      out.sections.push(s);
      out.items.push({ section: s });
    } else {
      const f = field(child, p, k, hints);
      out.fields.push(f);
      out.items.push({ field: f });
    }
  }
  return out;
}

function field(schema: JsonSchema, path: string, key: string, hints: Record<string, unknown>): ConfigField {
  const hint = hints[path] as { sensitive?: boolean; secret?: string } | undefined;
  // A URL whose password is secret stays an ordinary field: the gateway sends it with the
  // password replaced, and that form round-trips.
  const mark = schema['x-secret'] ?? hint?.secret ?? (hint?.sensitive ? true : undefined);
  const sensitive = mark !== undefined && mark !== false && mark !== 'url-password';
  const out: ConfigField = { path, key, kind: kindOf(schema), sensitive };
  if (schema.description) out.description = schema.description;
  const options = enumOptions(schema);
  if (options) out.options = options;
  if (schema.minimum !== undefined) out.minimum = schema.minimum;
  if (schema.maximum !== undefined) out.maximum = schema.maximum;
  return out;
}

function enumOptions(schema: JsonSchema): string[] | undefined {
  if (schema.enum?.every((v) => typeof v === 'string')) return schema.enum as string[];
  if (schema.anyOf?.length && schema.anyOf.every((s) => typeof s.const === 'string')) {
    return schema.anyOf.map((s) => s.const as string);
  }
  return undefined;
}

function kindOf(schema: JsonSchema): FieldKind {
  if (enumOptions(schema)) return 'enum';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'array':
      return schema.items?.type === 'string' ? 'list' : 'json';
    default:
      return 'json';
  }
}

/** Whether a secret field holds a value (the gateway sends only the placeholder for it). */
export function secretIsSet(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/** The text (or checkbox state) a field starts with. Secrets start empty, whatever they hold. */
export function formatValue(field: ConfigField, value: unknown): FieldInput {
  if (field.sensitive) return '';
  switch (field.kind) {
    case 'boolean':
      return value === true;
    case 'list':
      return Array.isArray(value) ? value.join('\n') : '';
    case 'json':
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    default:
      return value === undefined || value === null ? '' : String(value);
  }
}

/**
 * Turn what was typed into a value. Only checks what the input itself cannot represent (a
 * number field holding letters, broken JSON); ranges, lengths and required keys are the
 * gateway's to judge, with the same schema it runs on. Empty means "unset" (back to the default).
 */
export function parseInput(field: ConfigField, input: FieldInput): ParsedInput {
  if (typeof input === 'boolean') return { ok: true, value: input };
  const text = field.kind === 'json' || field.kind === 'list' ? input : input.trim();
  if (text.trim() === '') return { ok: true, value: undefined };
  switch (field.kind) {
    case 'integer':
      return /^-?\d+$/.test(text)
        ? { ok: true, value: Number(text) }
        : { ok: false, error: 'Enter a whole number.' };
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'Enter a number.' };
    }
    case 'list':
      return {
        ok: true,
        value: text
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean),
      };
    case 'json':
      try {
        return { ok: true, value: JSON.parse(text) as unknown };
      } catch (error) {
        return { ok: false, error: `Not valid JSON: ${(error as Error).message}` };
      }
    case 'enum':
      return field.options?.includes(text)
        ? { ok: true, value: text }
        : { ok: false, error: `Choose one of: ${field.options?.join(', ')}.` };
    default:
      return { ok: true, value: text };
  }
}

/** The value at a dotted path. */
export function valueAt(root: unknown, path: string): unknown {
  let v: unknown = root;
  for (const k of path.split('.')) {
    if (!isPlainObject(v)) return undefined;
    v = v[k];
  }
  return v;
}

/**
 * A JSON merge patch (RFC 7396, what config.patch takes) carrying only what changed: each edited
 * path whose value differs from the loaded config. `undefined` (cleared) becomes null, which
 * removes the key from the file so the default applies again. Undefined when nothing changed.
 */
export function buildPatch(
  original: Record<string, unknown>,
  edits: ReadonlyMap<string, unknown>,
): Record<string, unknown> | undefined {
  const patch: Record<string, unknown> = {};
  let changed = false;
  for (const [path, value] of edits) {
    const before = valueAt(original, path);
    if (deepEqual(before, value)) continue;
    const diff = isPlainObject(before) && isPlainObject(value) ? mergeDiff(before, value) : (value ?? null);
    setAt(patch, path, diff);
    changed = true;
  }
  return changed ? patch : undefined;
}

function mergeDiff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(before)) if (!(k in after)) out[k] = null;
  for (const [k, v] of Object.entries(after)) {
    const b = before[k];
    if (deepEqual(b, v)) continue;
    out[k] = isPlainObject(b) && isPlainObject(v) ? mergeDiff(b, v) : v;
  }
  return out;
}

function setAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = root;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1] as string] = value;
}

/** One validation problem: the path the gateway named, and what it said. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export interface PlacedIssues {
  /** Issues per field or section path (the deepest one the issue's path falls under). */
  byPath: Map<string, ConfigIssue[]>;
  /** Issues no field or section owns (the whole file). */
  general: ConfigIssue[];
}

/**
 * Place a CONFIG_INVALID error's issues (`details.issues[].path`, dotted) on the form: each goes
 * to the deepest field or section its path falls under, so the message shows next to the input
 * that caused it, with the gateway's path.
 */
export function placeIssues(
  layout: ConfigSection,
  error: { message: string; details?: Record<string, unknown> | undefined },
): PlacedIssues {
  const known = new Set<string>();
  const walk = (s: ConfigSection) => {
    if (s.path) known.add(s.path);
    for (const f of s.fields) known.add(f.path);
    for (const c of s.sections) walk(c);
  };
  walk(layout);
  const raw = error.details?.issues;
  const issues: ConfigIssue[] = Array.isArray(raw)
    ? raw.filter(
        (i): i is ConfigIssue =>
          isPlainObject(i) && typeof i.path === 'string' && typeof i.message === 'string',
      )
    : [];
  if (issues.length === 0) {
    const path = typeof error.details?.path === 'string' ? error.details.path : '';
    issues.push({ path, message: error.message });
  }
  const out: PlacedIssues = { byPath: new Map(), general: [] };
  for (const issue of issues) {
    let path = issue.path;
    while (path && !known.has(path)) path = path.includes('.') ? path.slice(0, path.lastIndexOf('.')) : '';
    if (!path) {
      out.general.push(issue);
      continue;
    }
    const list = out.byPath.get(path) ?? [];
    if (!list.some((i) => i.path === issue.path && i.message === issue.message)) list.push(issue);
    out.byPath.set(path, list);
  }
  return out;
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}
