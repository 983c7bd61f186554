// Secrets are marked in the config schema itself, and that mark is the only thing redaction,
// round-tripping and log scrubbing look at. Names never decide: a field is secret because its
// schema says so. The walkers here read plain JSON Schema (a TypeBox schema is one), so they work
// on the schema `config.schema` returns as well as on the TypeBox objects.
import { type StringOptions, type TString, Type } from '@sinclair/typebox';

/**
 * JSON Schema keyword marking a secret field. `true`: the whole value is secret. `'url-password'`:
 * the value is a URL whose userinfo password is secret (host, port and path stay visible).
 */
export const SECRET_KEYWORD = 'x-secret';

/**
 * JSON Schema keyword marking a field a channel account needs before it can connect (a bot
 * token, a server URL). Not necessarily secret; `doctor` names the missing ones.
 */
export const CREDENTIAL_KEYWORD = 'x-credential';

/**
 * What a secret's value is replaced with wherever it would leave the gateway. Sent back in a
 * config write it means "keep what is stored here", so a redacted config round-trips.
 */
export const REDACTED = '__OPENCLAW_REDACTED__';

export type SecretKind = 'value' | 'url-password';

/** A string schema marked secret (the whole value). */
export function SecretString(options: StringOptions = {}): TString {
  return Type.String({ ...options, [SECRET_KEYWORD]: true });
}

/** A URL whose userinfo password is secret (`redis://:pw@host`): only the password is redacted. */
export function SecretUrl(options: StringOptions = {}): TString {
  return Type.String({ ...options, [SECRET_KEYWORD]: 'url-password' });
}

/**
 * A credential needed only in some configurations: while every named sibling key has one of the
 * listed values (Slack's signing secret: `{ neededWhen: { mode: 'events-http' }, defaults: { mode:
 * 'socket' } }`). `defaults` says what an unset sibling counts as, so a form knows which values
 * apply before anything is chosen; `inferred` overrides that where the provider picks the value
 * from which other keys are set.
 */
export interface CredentialCondition {
  neededWhen: Readonly<Record<string, string | readonly string[]>>;
  defaults?: Readonly<Record<string, string>>;
  /** Per unset sibling: rules tried in order before `defaults`; the first that holds gives its value. */
  inferred?: Readonly<Record<string, readonly InferredValue[]>>;
}

/**
 * The value an unset sibling takes when every key in `set` has a value and none in `unset` does
 * (Slack's mode: `{ value: 'events-http', set: ['signingSecret'], unset: ['appToken'] }`).
 */
export interface InferredValue {
  value: string;
  set?: readonly string[];
  unset?: readonly string[];
}

/** The value of CREDENTIAL_KEYWORD: always needed (`true`), or needed under a condition. */
export type CredentialMark = true | CredentialCondition;

/**
 * Options that mark a field as a credential an account needs (see CREDENTIAL_KEYWORD), always or
 * only under `condition`.
 */
export function credential<T extends object>(
  options: T,
  condition?: CredentialCondition,
): T & { [CREDENTIAL_KEYWORD]: CredentialMark } {
  return { ...options, [CREDENTIAL_KEYWORD]: condition ?? true };
}

/** The credential mark of a schema node, or undefined when it is not a credential. */
export function credentialMark(node: unknown): CredentialMark | undefined {
  if (!isNode(node)) return undefined;
  const mark = node[CREDENTIAL_KEYWORD];
  if (mark === true) return true;
  if (isNode(mark) && isNode(mark.neededWhen)) return mark as unknown as CredentialCondition;
  return undefined;
}

const isSet = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

/**
 * Whether a credential with `mark` is needed by an account whose keys (the credential's siblings)
 * are `values`. An unset or empty sibling counts as the first of its `inferred` rules that holds,
 * else as its default.
 */
export function credentialNeeded(mark: CredentialMark, values: Readonly<Record<string, unknown>>): boolean {
  if (mark === true) return true;
  return Object.entries(mark.neededWhen).every(([key, allowed]) => {
    const value = isSet(values[key]) ? values[key] : unsetValue(mark, key, values);
    return typeof allowed === 'string' ? value === allowed : allowed.includes(value as string);
  });
}

function unsetValue(
  mark: CredentialCondition,
  key: string,
  values: Readonly<Record<string, unknown>>,
): string | undefined {
  const rule = mark.inferred?.[key]?.find(
    (r) => (r.set ?? []).every((k) => isSet(values[k])) && !(r.unset ?? []).some((k) => isSet(values[k])),
  );
  return rule ? rule.value : mark.defaults?.[key];
}

/**
 * One marked field. `path` segments are property names, `*` for any key of a record (accounts,
 * per-channel sections) and `[]` for any element of a list.
 */
export interface SecretField {
  path: readonly string[];
  kind: SecretKind;
}

type Node = Record<string, unknown>;
const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

const fieldCache = new WeakMap<object, readonly SecretField[]>();

/** Every field the schema marks secret (computed once per schema object). */
export function secretFields(schema: unknown): readonly SecretField[] {
  if (!isNode(schema)) return [];
  let fields = fieldCache.get(schema);
  if (!fields) {
    const out = new Map<string, SecretField>();
    walkSchema(schema, [], (node, path) => {
      const mark = node[SECRET_KEYWORD];
      if (mark === undefined || mark === false) return false;
      const kind: SecretKind = mark === 'url-password' ? 'url-password' : 'value';
      out.set(`${path.join('\u0000')}\u0001${kind}`, { path, kind });
      return true;
    });
    fields = [...out.values()];
    fieldCache.set(schema, fields);
  }
  return fields;
}

/** Every field marked as an account credential, with its path (same notation as secretFields). */
export function credentialFields(schema: unknown): readonly (readonly string[])[] {
  return credentialMarks(schema).map((m) => m.path);
}

export interface CredentialField {
  readonly path: readonly string[];
  readonly mark: CredentialMark;
}

const markCache = new WeakMap<object, readonly CredentialField[]>();

/**
 * Every credential field with its mark (same paths as credentialFields), computed once per
 * schema object like secretFields: a schema is built once and never changes.
 */
export function credentialMarks(schema: unknown): readonly CredentialField[] {
  if (!isNode(schema)) return [];
  let marks = markCache.get(schema);
  if (!marks) {
    const out: CredentialField[] = [];
    walkSchema(schema, [], (node, path) => {
      const mark = credentialMark(node);
      if (mark !== undefined) out.push(Object.freeze({ path: Object.freeze(path), mark }));
      return false;
    });
    marks = Object.freeze(out);
    markCache.set(schema, marks);
  }
  return marks;
}

/**
 * Depth-first over properties, record values (`*`), list items (`[]`) and union branches (same
 * path). `visit` returns true to stop descending below a node.
 */
function walkSchema(
  node: Node,
  path: string[],
  visit: (node: Node, path: string[]) => boolean,
  depth = 0,
): void {
  // Config schemas are shallow; a cycle or a runaway schema must not hang the gateway.
  if (depth > 32) return;
  if (visit(node, path)) return;
  if (isNode(node.properties))
    for (const [k, child] of Object.entries(node.properties))
      if (isNode(child)) walkSchema(child, [...path, k], visit, depth + 1);
  if (isNode(node.patternProperties))
    for (const child of Object.values(node.patternProperties))
      if (isNode(child)) walkSchema(child, [...path, '*'], visit, depth + 1);
  if (isNode(node.additionalProperties))
    walkSchema(node.additionalProperties, [...path, '*'], visit, depth + 1);
  if (isNode(node.items)) walkSchema(node.items, [...path, '[]'], visit, depth + 1);
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = node[key];
    if (Array.isArray(branches))
      for (const b of branches) if (isNode(b)) walkSchema(b, path, visit, depth + 1);
  }
}

/** Calls `at(parent, key, concretePath)` for every place in `value` that `path` matches. */
function forEachAt(
  value: unknown,
  path: readonly string[],
  at: (parent: Record<string, unknown> | unknown[], key: string | number, concrete: string[]) => void,
  i = 0,
  concrete: string[] = [],
): void {
  const seg = path[i];
  if (seg === undefined) return;
  const last = i === path.length - 1;
  const step = (parent: Record<string, unknown> | unknown[], key: string | number) => {
    const here = [...concrete, String(key)];
    if (last) at(parent, key, here);
    else forEachAt((parent as Record<string | number, unknown>)[key], path, at, i + 1, here);
  };
  if (seg === '[]') {
    if (Array.isArray(value)) for (let k = 0; k < value.length; k++) step(value, k);
  } else if (isNode(value)) {
    if (seg === '*') for (const k of Object.keys(value)) step(value, k);
    else if (Object.hasOwn(value, seg)) step(value, seg);
  }
}

function valueAt(root: unknown, concrete: readonly string[]): unknown {
  let v = root;
  for (const k of concrete) {
    if (Array.isArray(v)) v = v[Number(k)];
    else if (isNode(v)) v = Object.hasOwn(v, k) ? v[k] : undefined;
    else return undefined;
  }
  return v;
}

function parseUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function redactValue(kind: SecretKind, v: unknown): unknown {
  if (v === undefined || v === null || v === '') return v;
  if (kind === 'value' || typeof v !== 'string') return REDACTED;
  const url = parseUrl(v);
  // Something that does not parse as a URL but may still hold a password is hidden whole.
  if (!url) return v.includes('@') ? REDACTED : v;
  if (!url.password) return v;
  url.password = REDACTED;
  return url.href;
}

/** A URL with its userinfo password replaced by REDACTED (for messages that name an endpoint). */
export function redactUrlPassword(url: string): string {
  return redactValue('url-password', url) as string;
}

/**
 * A deep copy of `value` with every marked secret replaced by REDACTED (a URL secret keeps
 * everything but its password). Unset and empty values stay as they are: "not set" is not a secret.
 */
export function redactSecrets<T>(schema: unknown, value: T): T {
  const copy = structuredClone(value);
  for (const f of secretFields(schema)) {
    forEachAt(copy, f.path, (parent, key) => {
      const p = parent as Record<string | number, unknown>;
      p[key] = redactValue(f.kind, p[key]);
    });
  }
  return copy;
}

/** A config write that cannot be completed without guessing a secret. */
export class SecretRestoreError extends Error {
  override name = 'SecretRestoreError';
  readonly path: string;
  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

/**
 * The round-trip rule: in `next` (a config about to be written), a secret equal to REDACTED
 * takes the value stored at the same path in `previous`; where `previous` has none (the value
 * came from the environment or a flag, or the account is new) the key is dropped, so the
 * placeholder is never written as a secret. A URL secret whose password is REDACTED gets the
 * stored password back only when scheme, user, host and port are unchanged (a placeholder must
 * not carry a password to another server). Returns a copy; throws SecretRestoreError.
 */
export function restoreSecrets<T>(schema: unknown, next: T, previous: unknown): T {
  const copy = structuredClone(next);
  for (const f of secretFields(schema)) {
    forEachAt(copy, f.path, (parent, key, concrete) => {
      const p = parent as Record<string | number, unknown>;
      const v = p[key];
      if (typeof v !== 'string' || !v.includes(REDACTED)) return;
      const stored = valueAt(previous, concrete);
      const dotted = concrete.join('.');
      if (f.kind === 'value') {
        if (v !== REDACTED)
          throw new SecretRestoreError(
            dotted,
            'holds the redacted placeholder inside a value; type the secret',
          );
        if (typeof stored === 'string' && stored !== REDACTED) p[key] = stored;
        else if (Array.isArray(p))
          throw new SecretRestoreError(dotted, 'no stored secret to keep here; type the value');
        else delete p[key];
        return;
      }
      const url = parseUrl(v);
      const was = typeof stored === 'string' ? parseUrl(stored) : undefined;
      if (!url || url.password !== REDACTED || url.href.split(REDACTED).length !== 2)
        throw new SecretRestoreError(
          dotted,
          'holds the redacted placeholder outside the password; type the URL',
        );
      if (
        !was?.password ||
        was.protocol !== url.protocol ||
        was.username !== url.username ||
        was.hostname !== url.hostname ||
        was.port !== url.port
      )
        throw new SecretRestoreError(
          dotted,
          'the redacted password can only be kept for the same scheme, user, host and port; type the password',
        );
      url.password = was.password;
      p[key] = url.href;
    });
  }
  return copy;
}

/**
 * Paths (dotted) of secrets in `value` that hold the placeholder. A config that is to be used must
 * have none: the placeholder is public, so a gateway token equal to it would open the gateway.
 */
export function placeholderPaths(schema: unknown, value: unknown): string[] {
  const out: string[] = [];
  for (const f of secretFields(schema)) {
    forEachAt(value, f.path, (parent, key, concrete) => {
      const v = (parent as Record<string | number, unknown>)[key];
      if (typeof v === 'string' && v.includes(REDACTED)) out.push(concrete.join('.'));
    });
  }
  return out;
}

/**
 * Every secret value set in `value` (URL passwords both as written and decoded), for scrubbing
 * them out of text that leaves the gateway: log lines, metrics, error messages.
 */
export function secretValues(schema: unknown, value: unknown): string[] {
  const out = new Set<string>();
  for (const f of secretFields(schema)) {
    forEachAt(value, f.path, (parent, key) => {
      const v = (parent as Record<string | number, unknown>)[key];
      if (typeof v !== 'string' || v === '' || v === REDACTED) return;
      if (f.kind === 'value') {
        out.add(v);
        return;
      }
      const url = parseUrl(v);
      if (!url) {
        if (v.includes('@')) out.add(v);
        return;
      }
      if (!url.password) return;
      out.add(url.password);
      try {
        out.add(decodeURIComponent(url.password));
      } catch {
        // A malformed escape: the raw form is already in.
      }
    });
  }
  return [...out];
}

/**
 * UI hints derived from the marks, keyed by dotted path (`*` for any record key):
 * `{ sensitive: true, secret: 'value' | 'url-password' }` for secrets, `{ credential: true }`
 * for account credentials.
 */
export function schemaHints(schema: unknown): Record<string, Record<string, unknown>> {
  const hints: Record<string, Record<string, unknown>> = {};
  for (const f of secretFields(schema)) {
    const key = f.path.join('.');
    hints[key] = { ...hints[key], sensitive: true, secret: f.kind };
  }
  for (const path of credentialFields(schema)) {
    const key = path.join('.');
    hints[key] = { ...hints[key], credential: true };
  }
  return hints;
}
