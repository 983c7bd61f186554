import { type CredentialCondition, type CredentialMark, credentialMark } from '@openclaw/protocol';

/**
 * What the gateway puts in place of a secret (config.get) and takes back as "keep the stored
 * value" (config.set / config.patch). Mirrors REDACTED in the protocol.
 */
export const REDACTED = '__OPENCLAW_REDACTED__';

/** The parts of JSON Schema that config.schema returns and the form understands. */
export interface JsonSchema {
  /** The gateway's secret mark: the whole value (`true`) or a URL's password (`url-password`). */
  'x-secret'?: boolean | string;
  /** What an account needs before it can connect: always (`true`) or under a condition. */
  'x-credential'?: CredentialMark;
  title?: string;
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
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  /** A provider's own wording of its rule. */
  errorMessage?: string;
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
  /** The schema's default, applied when the key is absent. */
  default?: unknown;
  /** Held as a secret: never shown (only whether it is set), written only when typed. */
  sensitive: boolean;
  /** A URL whose password is secret: shown with the password replaced; that form round-trips. */
  urlSecret: boolean;
  /** What an account needs before it can connect (a bot token, an app token). */
  credential: boolean;
  /** A credential needed only when sibling keys have given values (Slack's signing secret). */
  neededWhen?: CredentialCondition;
  /**
   * A boolean with no default in the schema: "not set" is a third state (the reader decides),
   * so it is chosen from not set / true / false rather than ticked.
   */
  triState: boolean;
}

export interface ConfigSection {
  path: string;
  key: string;
  title?: string;
  description?: string;
  fields: ConfigField[];
  sections: ConfigSection[];
  /** Fields and sections together, in schema order (for rendering). */
  items: ({ field: ConfigField } | { section: ConfigSection })[];
  /** An entry of a map in the config (an account under `accounts`), not a key of the schema. */
  entry?: boolean;
}

/** A field value as typed: text, or a checkbox state. */
export type FieldInput = string | boolean;

export type ParsedInput = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * The form layout for a config schema: objects become sections, everything else a field. A map
 * whose entries hold secrets (channel `accounts`) becomes one section per entry present in
 * `config`, so each secret keeps its own set/unset state; other maps are edited as JSON.
 */
export function describeConfig(
  schema: JsonSchema,
  uiHints: Record<string, unknown> = {},
  config: unknown = undefined,
  prefix = '',
): ConfigSection {
  return section(schema, prefix, prefix.split('.').pop() ?? '', uiHints, config);
}

function section(
  schema: JsonSchema,
  path: string,
  key: string,
  hints: Record<string, unknown>,
  value: unknown,
): ConfigSection {
  const out: ConfigSection = { path, key, fields: [], sections: [], items: [] };
  if (schema.title) out.title = schema.title;
  if (schema.description) out.description = schema.description;
  const here = isPlainObject(value) ? value : {};
  for (const [k, child] of Object.entries(schema.properties ?? {})) {
    const p = path ? `${path}.${k}` : k;
    const entrySchema = mapEntrySchema(child);
    if (child.properties && !child.patternProperties) {
      const s = section(child, p, k, hints, here[k]);
      out.sections.push(s);
      out.items.push({ section: s });
    } else if (entrySchema) {
      const s: ConfigSection = { path: p, key: k, fields: [], sections: [], items: [] };
      if (child.description) s.description = child.description;
      const entries = isPlainObject(here[k]) ? here[k] : {};
      for (const [id, v] of Object.entries(entries)) {
        // A dotted path cannot name a key with a dot in it; such an entry stays in the file as is.
        if (id.includes('.')) continue;
        const e = section(entrySchema, `${p}.${id}`, id, hints, v);
        e.entry = true;
        s.sections.push(e);
        s.items.push({ section: e });
      }
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

/** The schema of a map's entries, when they are objects holding a secret somewhere. */
function mapEntrySchema(schema: JsonSchema): JsonSchema | undefined {
  const entries = Object.values(schema.patternProperties ?? {});
  const entry = entries.length === 1 ? entries[0] : undefined;
  return entry?.properties && holdsSecret(entry) ? entry : undefined;
}

function holdsSecret(schema: JsonSchema): boolean {
  if (schema['x-secret'] === true) return true;
  return [
    ...Object.values(schema.properties ?? {}),
    ...Object.values(schema.patternProperties ?? {}),
    ...(schema.anyOf ?? []),
  ].some(holdsSecret);
}

/** `channels.telegram.accounts.support.botToken` → `channels.telegram.accounts.*.botToken`. */
function hintFor(hints: Record<string, unknown>, path: string): Record<string, unknown> | undefined {
  const exact = hints[path];
  if (isPlainObject(exact)) return exact;
  const wild = path.replace(/\.accounts\.[^.]+\./, '.accounts.*.');
  const hint = hints[wild];
  return isPlainObject(hint) ? hint : undefined;
}

function field(schema: JsonSchema, path: string, key: string, hints: Record<string, unknown>): ConfigField {
  const hint = hintFor(hints, path);
  const mark = schema['x-secret'] ?? (hint?.secret === 'value' ? true : hint?.secret);
  const urlSecret = mark === 'url-password';
  const needs = credentialMark(schema);
  const sensitive = !urlSecret && (mark === true || (mark === undefined && hint?.sensitive === true));
  const out: ConfigField = {
    path,
    key,
    kind: kindOf(schema),
    sensitive,
    urlSecret,
    credential: needs !== undefined || hint?.credential === true,
    triState: false,
  };
  if (needs !== undefined && needs !== true) out.neededWhen = needs;
  out.triState = out.kind === 'boolean' && schema.default === undefined;
  if (schema.description) out.description = schema.description;
  const options = enumOptions(schema);
  if (options) out.options = options;
  const min = schema.minimum ?? (schema.exclusiveMinimum === undefined ? undefined : schema.exclusiveMinimum);
  if (min !== undefined) out.minimum = min;
  const max = schema.maximum ?? (schema.exclusiveMaximum === undefined ? undefined : schema.exclusiveMaximum);
  if (max !== undefined) out.maximum = max;
  if (schema.default !== undefined) out.default = schema.default;
  return out;
}

function enumOptions(schema: JsonSchema): string[] | undefined {
  if (schema.enum?.every((v) => typeof v === 'string')) return schema.enum as string[];
  if (schema.anyOf?.length && schema.anyOf.every((s) => typeof s.const === 'string')) {
    return schema.anyOf.map((s) => s.const as string);
  }
  return undefined;
}

/** A list typed one entry per line: items that are strings (or strings or numbers, as ids are). */
function isLineList(items: JsonSchema | undefined): boolean {
  if (!items) return false;
  if (items.type === 'string') return true;
  return Boolean(items.anyOf?.length && items.anyOf.every((s) => s.type === 'string' || s.type === 'number'));
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
      return isLineList(schema.items) ? 'list' : 'json';
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
      if (field.triState) return value === undefined || value === null ? '' : String(value === true);
      return (value ?? field.default) === true;
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
  if (field.kind === 'boolean') {
    if (input === '') return { ok: true, value: undefined };
    return input === 'true' || input === 'false'
      ? { ok: true, value: input === 'true' }
      : { ok: false, error: 'Choose true or false.' };
  }
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

/** Set a value at a dotted path, creating the objects on the way. */
export function setAt(root: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let o = root;
  for (const k of keys.slice(0, -1)) {
    if (!isPlainObject(o[k])) o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[keys[keys.length - 1] as string] = value;
}

/** One line of the review shown before saving. Secrets say what happens to them, never the value. */
export interface ConfigChange {
  path: string;
  before: string;
  after: string;
  kind: 'changed' | 'reset' | 'secret-replaced' | 'secret-set' | 'secret-removed';
}

/** A value as the review shows it: JSON, with "default" for an absent key. */
function shown(field: ConfigField | undefined, value: unknown): string {
  if (value === undefined || value === null) {
    return field?.default === undefined ? 'not set' : `default (${JSON.stringify(field.default)})`;
  }
  return JSON.stringify(value);
}

/**
 * What saving would change, field by field, in the order of `fields`: the review before saving.
 * Edits equal to the loaded value are left out, as buildPatch leaves them out.
 */
export function describeChanges(
  fields: readonly ConfigField[],
  original: Record<string, unknown>,
  edits: ReadonlyMap<string, unknown>,
): ConfigChange[] {
  const out: ConfigChange[] = [];
  const byPath = new Map(fields.map((f) => [f.path, f]));
  const order = (p: string) => {
    const i = fields.findIndex((f) => f.path === p);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  for (const path of [...edits.keys()].sort((a, b) => order(a) - order(b))) {
    const after = edits.get(path);
    const before = valueAt(original, path);
    if (deepEqual(before, after)) continue;
    const f = byPath.get(path);
    if (f?.sensitive) {
      const wasSet = secretIsSet(before);
      const removed = after === undefined || after === null;
      out.push({
        path,
        before: wasSet ? 'set' : 'not set',
        after: removed ? 'not set' : wasSet ? 'replaced' : 'set',
        kind: removed ? 'secret-removed' : wasSet ? 'secret-replaced' : 'secret-set',
      });
      continue;
    }
    out.push({
      path,
      before: shown(f, before),
      after: shown(f, after),
      kind: after === undefined || after === null ? 'reset' : 'changed',
    });
  }
  return out;
}

/** Every field of a layout, depth first, in schema order. */
export function allFields(layout: ConfigSection): ConfigField[] {
  const out: ConfigField[] = [];
  const walk = (s: ConfigSection) => {
    for (const i of s.items) {
      if ('field' in i) out.push(i.field);
      else walk(i.section);
    }
  };
  walk(layout);
  return out;
}

/** Every section of a layout (itself included), depth first. */
export function allSections(layout: ConfigSection): ConfigSection[] {
  const out: ConfigSection[] = [layout];
  for (const s of layout.sections) out.push(...allSections(s));
  return out;
}

/**
 * Fields matching a search: every word of the query in the field's path, description, allowed
 * values or its section's title. Matches on the key name come first.
 */
export function searchFields(layout: ConfigSection, query: string): ConfigField[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const titles = new Map<string, string>();
  for (const s of allSections(layout)) if (s.title) titles.set(s.path, s.title.toLowerCase());
  const scored: { field: ConfigField; score: number; index: number }[] = [];
  allFields(layout).forEach((f, index) => {
    const owner = [...titles.entries()].find(([p]) => f.path.startsWith(`${p}.`))?.[1] ?? '';
    const haystack = [f.path, f.description ?? '', (f.options ?? []).join(' '), owner]
      .join(' ')
      .toLowerCase();
    if (!words.every((w) => haystack.includes(w))) return;
    const score = words.filter((w) => f.key.toLowerCase().includes(w)).length;
    scored.push({ field: f, score, index });
  });
  return scored.sort((a, b) => b.score - a.score || a.index - b.index).map((s) => s.field);
}

/** One validation problem, as config.set/patch report it in `details.issues`. */
export interface ConfigIssue {
  /** Dotted key path; '' for the whole document. */
  path: string;
  message: string;
  kind?: string;
  /** The accepted values, when the schema lists them. */
  allowed?: string[];
  /** For an unknown key: the key probably meant (a dotted path). */
  suggestion?: string;
  line?: number;
  column?: number;
}

export interface PlacedIssues {
  /** Issues per field or section path (the deepest one the issue's path falls under). */
  byPath: Map<string, ConfigIssue[]>;
  /** Issues no field or section owns (the whole file). */
  general: ConfigIssue[];
  /** Every issue, in the gateway's order. */
  all: ConfigIssue[];
}

const strings = (v: unknown): string[] | undefined =>
  Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;

/** The issues of a CONFIG_INVALID error, with what each carries (kind, allowed, suggestion, position). */
export function readIssues(error: {
  message: string;
  details?: Record<string, unknown> | undefined;
}): ConfigIssue[] {
  const raw = error.details?.issues;
  const out: ConfigIssue[] = [];
  for (const i of Array.isArray(raw) ? raw : []) {
    if (!isPlainObject(i) || typeof i.path !== 'string' || typeof i.message !== 'string') continue;
    const issue: ConfigIssue = { path: i.path, message: i.message };
    if (typeof i.kind === 'string') issue.kind = i.kind;
    const allowed = strings(i.allowed);
    if (allowed) issue.allowed = allowed;
    if (typeof i.suggestion === 'string') issue.suggestion = i.suggestion;
    if (typeof i.line === 'number') issue.line = i.line;
    if (typeof i.column === 'number') issue.column = i.column;
    out.push(issue);
  }
  if (out.length === 0) {
    const path = typeof error.details?.path === 'string' ? error.details.path : '';
    out.push({ path, message: error.message });
  }
  return out;
}

/** The deepest field or section path of the layout that `path` falls under; '' when none. */
export function ownerOf(layout: ConfigSection, path: string): string {
  const known = new Set<string>();
  for (const s of allSections(layout)) if (s.path) known.add(s.path);
  for (const f of allFields(layout)) known.add(f.path);
  let p = path;
  while (p && !known.has(p)) p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : '';
  return p;
}

/**
 * Place a CONFIG_INVALID error's issues on the form: each goes to the deepest field or section its
 * path falls under, so the message shows next to the input that caused it, with the gateway's path.
 */
export function placeIssues(
  layout: ConfigSection,
  error: { message: string; details?: Record<string, unknown> | undefined },
): PlacedIssues {
  const issues = readIssues(error);
  const out: PlacedIssues = { byPath: new Map(), general: [], all: issues };
  for (const issue of issues) {
    const owner = ownerOf(layout, issue.path);
    if (!owner) {
      out.general.push(issue);
      continue;
    }
    const list = out.byPath.get(owner) ?? [];
    if (!list.some((i) => i.path === issue.path && i.message === issue.message)) list.push(issue);
    out.byPath.set(owner, list);
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
