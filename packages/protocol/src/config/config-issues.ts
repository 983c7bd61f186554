import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { didYouMean } from './did-you-mean.ts';
import { configKeyPositions, locateConfigKey } from './locate-config-key.ts';
import { SECRET_KEYWORD, secretFields } from './secret-fields.ts';

/** One problem with a config: which key, what is wrong, what would be accepted. */
export interface ConfigIssue {
  /** Dotted key path (`gateway.port`, `gateway.allowedOrigins.0`); '' for the whole document. */
  path: string;
  /** What is wrong, in words, without the path: `must be one of …; got "everywhere"`. */
  message: string;
  kind?: 'unknown-key' | 'invalid-value' | 'missing-key' | 'syntax';
  /** The accepted values, when the schema lists them. */
  allowed?: string[];
  /** For an unknown key: the key that was probably meant (a dotted path). */
  suggestion?: string;
  /** Position in the file (1-based), when the config came from a file. */
  line?: number;
  column?: number;
}

interface JsonSchemaLike {
  type?: string;
  /** A provider's own wording of its rule, used instead of ours. */
  errorMessage?: string;
  anyOf?: JsonSchemaLike[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchemaLike>;
  patternProperties?: Record<string, JsonSchemaLike>;
  items?: JsonSchemaLike;
}

/** True when a secret mark in the schema covers this path (the field itself or a parent). */
function isSecretPath(root: JsonSchemaLike, path: readonly string[]): boolean {
  return secretFields(root).some(
    (f) =>
      f.path.length <= path.length &&
      f.path.every((seg, i) => seg === '*' || (seg === '[]' ? /^\d+$/.test(path[i] ?? '') : seg === path[i])),
  );
}

/** `"everywhere"`, `0`, `a list`: the given value, short; never a secret's. */
function shown(value: unknown, secret: boolean): string {
  if (secret) return typeof value === 'string' ? `a ${value.length}-character string` : `a ${kindOf(value)}`;
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (value === null || typeof value !== 'object') return String(value);
  return `a ${kindOf(value)}`;
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  return typeof value === 'object' ? 'object' : typeof value;
}

function range(s: JsonSchemaLike, unit: string): string {
  const lo = s.minimum ?? (s.exclusiveMinimum === undefined ? undefined : s.exclusiveMinimum + 1);
  const hi = s.maximum ?? (s.exclusiveMaximum === undefined ? undefined : s.exclusiveMaximum - 1);
  if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}${unit}`;
  if (lo !== undefined) return ` of at least ${lo}${unit}`;
  if (hi !== undefined) return ` of at most ${hi}${unit}`;
  return '';
}

/** The literal values a schema accepts, when it is a union of literals (an enum). */
function literals(s: JsonSchemaLike): string[] | undefined {
  if (s.const !== undefined) return [String(s.const)];
  if (!s.anyOf?.length) return undefined;
  const values = s.anyOf.map((v) => v.const);
  return values.every((v) => v !== undefined) ? values.map(String) : undefined;
}

/** What a schema accepts, in words: `an integer from 0 to 65535`, `true or false`. */
function expected(s: JsonSchemaLike): string {
  if (s.errorMessage) return s.errorMessage.replace(/^must be /, '');
  const lits = literals(s);
  if (lits)
    return lits.length === 1
      ? JSON.stringify(lits[0])
      : `one of ${lits.map((v) => JSON.stringify(v)).join(', ')}`;
  switch (s.type) {
    case 'integer':
      return `an integer${range(s, '')}`;
    case 'number':
      return `a number${range(s, '')}`;
    case 'string':
      return s.minLength !== undefined && s.minLength > 1
        ? `a string of at least ${s.minLength} characters`
        : s.minLength === 1
          ? 'a non-empty string'
          : 'a string';
    case 'boolean':
      return 'true or false';
    case 'array':
      return s.items?.type === 'string' ? 'a list of strings' : 'a list';
    case 'object':
      return 'an object';
    case 'null':
      return 'null';
    default:
      return s.anyOf ? s.anyOf.map(expected).join(' or ') : 'a valid value';
  }
}

/** Every dotted key path a schema declares (objects only), for "did you mean" across sections. */
function declaredPaths(schema: JsonSchemaLike, prefix = '', out: string[] = []): string[] {
  for (const [k, child] of Object.entries(schema.properties ?? {})) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.push(p);
    declaredPaths(child, p, out);
  }
  return out;
}

const pathsCache = new WeakMap<object, string[]>();

/** The key probably meant by an unknown key: a near-miss sibling, or the same name elsewhere. */
function suggest(
  parentPath: string,
  key: string,
  parent: JsonSchemaLike,
  root: JsonSchemaLike,
): string | undefined {
  const siblings = Object.keys(parent.properties ?? {});
  const near = didYouMean(key, siblings);
  if (near) return parentPath ? `${parentPath}.${near}` : near;
  let all = pathsCache.get(root);
  if (!all) {
    all = declaredPaths(root);
    pathsCache.set(root, all);
  }
  // A key put in the wrong section (`port` at the top instead of `gateway.port`).
  const elsewhere = all.filter((p) => p.split('.').pop() === key);
  return elsewhere.length === 1 ? elsewhere[0] : undefined;
}

function dotted(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * Every problem of `value` against `schema`, one per key path, each in words: the key, what is
 * wrong, the accepted values and the value given (unless a secret mark covers it), and for
 * unknown keys the key probably meant. Paths (and suggestions) start with `prefix` when the
 * schema is one section of the config.
 */
export function configIssues(schema: TSchema, value: unknown, max = 50, prefix = ''): ConfigIssue[] {
  const root = schema as JsonSchemaLike;
  const full = (p: string) => (prefix && p ? `${prefix}.${p}` : prefix || p);
  const out: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const e of Value.Errors(schema, value)) {
    const path = dotted(e.path);
    if (seen.has(path)) continue;
    seen.add(path);
    const s = e.schema as JsonSchemaLike & Record<string, unknown>;
    if (/Unexpected property/i.test(e.message)) {
      // TypeBox reports an unknown key at the key's own path, against the parent's schema.
      const parts = path.split('.');
      const key = parts.pop() ?? '';
      const parentPath = parts.join('.');
      const known = Object.keys(s.properties ?? {});
      const near = suggest(parentPath, key, s, root);
      const suggestion = near === undefined ? undefined : full(near);
      const where = full(parentPath);
      const issue: ConfigIssue = {
        path: full(path),
        kind: 'unknown-key',
        message: suggestion
          ? `unknown key; did you mean ${suggestion}?`
          : known.length
            ? `unknown key (${where ? `${where} takes` : 'known sections:'} ${known.join(', ')})`
            : 'unknown key',
      };
      if (suggestion) issue.suggestion = suggestion;
      out.push(issue);
    } else if (/Expected required property/i.test(e.message)) {
      out.push({ path: full(path), kind: 'missing-key', message: `is required (${expected(s)})` });
    } else {
      const secret = Boolean(s[SECRET_KEYWORD]) || isSecretPath(root, path.split('.').filter(Boolean));
      const issue: ConfigIssue = {
        path: full(path),
        kind: 'invalid-value',
        message: `must be ${expected(s)}; got ${shown(e.value, secret)}`,
      };
      const lits = literals(s);
      if (lits) issue.allowed = lits;
      out.push(issue);
    }
    if (out.length >= max) break;
  }
  return out;
}

/** A JSON5 syntax error as an issue, with the line and column the parser reported. */
export function syntaxIssue(error: unknown): ConfigIssue {
  const e = error as { message?: string; lineNumber?: unknown; columnNumber?: unknown };
  const message = String(e.message ?? error)
    .replace(/^JSON5:\s*/, '')
    .replace(/\s+at \d+:\d+$/, '');
  const issue: ConfigIssue = { path: '', kind: 'syntax', message: `not valid JSON5: ${message}` };
  if (typeof e.lineNumber === 'number' && typeof e.columnNumber === 'number') {
    issue.line = e.lineNumber;
    issue.column = e.columnNumber;
  }
  return issue;
}

/** Add each issue's line and column in the file it came from, and list them in file order. */
export function locateIssues(issues: readonly ConfigIssue[], text: string): ConfigIssue[] {
  const positions = configKeyPositions(text);
  const located = issues.map((i) => {
    if (i.line !== undefined || !i.path) return i;
    const at = locateConfigKey(text, i.path, positions);
    return at ? { ...i, line: at.line, column: at.column } : i;
  });
  const order = (i: ConfigIssue) => (i.line ?? Number.MAX_SAFE_INTEGER) * 1e6 + (i.column ?? 0);
  return located.sort((a, b) => order(a) - order(b));
}

/**
 * Issues as lines a person reads and an editor can jump to:
 * `/home/me/.openclaw/openclaw.json:3:11: gateway.bind: must be one of …`.
 */
export function formatConfigIssues(issues: readonly ConfigIssue[], file?: string): string[] {
  return issues.map((i) => {
    const where = file ? `${file}${i.line === undefined ? '' : `:${i.line}:${i.column ?? 1}`}: ` : '';
    return `${where}${i.path ? `${i.path}: ` : ''}${i.message}`;
  });
}
