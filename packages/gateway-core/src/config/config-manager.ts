import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import {
  type ConfigIssue,
  checkConfigText,
  configErrorMessage,
  GatewayConfig,
  gatewayError,
  parseConfig,
  placeholderPaths,
  REDACTED,
  RESTART_REQUIRED_PREFIXES,
  redactSecrets,
  restoreSecrets,
  SecretRestoreError,
  secretValues,
  syntaxIssue,
} from '@openclaw/protocol';
import type { TObject } from '@sinclair/typebox';
import JSON5 from 'json5';

export interface ConfigChange {
  /** The config file, and its revision after the change (config.get's `hash`). */
  path: string;
  hash: string;
  previous: GatewayConfig;
  current: GatewayConfig;
  /** Dotted paths whose value changed. */
  changed: string[];
  applied: string[];
  restartRequired: string[];
  /** The connection whose request made this change, when one did (it gets its answer first). */
  origin?: string | undefined;
}

export interface ConfigManagerOptions {
  /**
   * The schema to validate against and read secret marks from: GatewayConfig with the gateway's
   * channels composed in (`gatewayConfigSchema`). Default: GatewayConfig alone.
   */
  schema?: TObject;
}

/**
 * The current config, its file, and live changes. Writes validate first (the error names the
 * key), then replace the file atomically, then notify listeners so changes apply without a
 * restart where they can. Secrets marked in the schema never leave through `redacted()`, and a
 * write carrying the redacted placeholder keeps the stored secret.
 */
export class ConfigManager {
  readonly path: string;
  readonly schema: TObject;
  #raw: Record<string, unknown>;
  #config: GatewayConfig;
  #exists: boolean;
  #listeners = new Set<(change: ConfigChange) => void>();
  #overrides: (config: GatewayConfig) => GatewayConfig;
  /** The file's text as last read or written here: a watcher event with the same text is our own. */
  #lastText: string | undefined;
  #pendingRestart = new Set<string>();
  /**
   * Reads and writes of the file, one at a time, in call order. A watcher's re-read that opened
   * the file just before a config.patch renamed a new one over it would otherwise finish after the
   * patch, see text unlike the patch's and apply the old file: the patch undone, silently. And a
   * patch merges into the content the previous write left, not the one before it.
   */
  #fileQueue: Promise<unknown> = Promise.resolve();

  private constructor(
    path: string,
    raw: Record<string, unknown>,
    exists: boolean,
    overrides: (c: GatewayConfig) => GatewayConfig,
    schema: TObject,
  ) {
    this.path = path;
    this.schema = schema;
    this.#raw = raw;
    this.#exists = exists;
    this.#overrides = overrides;
    this.#config = overrides(parseChecked(raw, schema));
  }

  /**
   * Load the file (a missing file is an empty config). `overrides` applies env and flags on top,
   * every time the file changes, so they keep winning.
   */
  static async load(
    path: string,
    overrides: (c: GatewayConfig) => GatewayConfig = (c) => c,
    options: ConfigManagerOptions = {},
  ): Promise<ConfigManager> {
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    const schema = options.schema ?? GatewayConfig;
    const raw = text === undefined ? {} : checkFile(text, path, schema);
    const manager = new ConfigManager(path, raw, text !== undefined, overrides, schema);
    manager.#lastText = text;
    return manager;
  }

  /** A manager over an in-memory config (tests, embedding). Writes still go to `path`. */
  static fromObject(
    path: string,
    raw: Record<string, unknown>,
    overrides?: (c: GatewayConfig) => GatewayConfig,
    options: ConfigManagerOptions = {},
  ): ConfigManager {
    return new ConfigManager(path, raw, false, overrides ?? ((c) => c), options.schema ?? GatewayConfig);
  }

  get current(): GatewayConfig {
    return this.#config;
  }

  /** Keys changed since start that only a restart applies (the running gateway still uses the old value). */
  get pendingRestart(): string[] {
    return [...this.#pendingRestart].sort();
  }

  get exists(): boolean {
    return this.#exists;
  }

  /** Revision of the file content (the raw object), for baseHash checks. */
  get hash(): string {
    return createHash('sha256').update(JSON.stringify(this.#raw)).digest('hex').slice(0, 16);
  }

  onChange(listener: (change: ConfigChange) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The effective config with every secret the schema marks replaced by REDACTED. */
  redacted(): Record<string, unknown> {
    return redactSecrets(this.schema, this.#config) as unknown as Record<string, unknown>;
  }

  /** Every secret value in the effective config (file, env and flags), for scrubbing text. */
  secretValues(): string[] {
    return secretValues(this.schema, this.#config);
  }

  /**
   * Replace the whole file content. A secret sent as REDACTED keeps its stored value. `origin`
   * names the connection asking, if any.
   */
  set(rawText: string, baseHash?: string, origin?: string): Promise<ConfigChange> {
    return this.#serial(() => {
      this.#checkBase(baseHash);
      return this.#write(this.#restore(parseJson5(rawText, 'config')), origin);
    });
  }

  /**
   * Merge a JSON merge patch (RFC 7396) into the file content. A secret sent as REDACTED is kept.
   * `origin` names the connection asking, if any.
   */
  patch(rawText: string, baseHash?: string, origin?: string): Promise<ConfigChange> {
    return this.#serial(() => {
      this.#checkBase(baseHash);
      const patch = parseJson5(rawText, 'patch');
      return this.#write(
        this.#restore(mergePatch(structuredClone(this.#raw), patch) as Record<string, unknown>),
        origin,
      );
    });
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#fileQueue.then(step, step);
    this.#fileQueue = run.catch(() => {});
    return run;
  }

  #restore(next: Record<string, unknown>): Record<string, unknown> {
    try {
      return restoreSecrets(this.schema, next, this.#raw);
    } catch (error) {
      if (!(error instanceof SecretRestoreError)) throw error;
      throw gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', `config ${error.path}: ${error.message}`, {
        details: { path: error.path, issues: [{ path: error.path, message: error.message }] },
      });
    }
  }

  #checkBase(baseHash: string | undefined): void {
    if (baseHash !== undefined && baseHash !== this.hash) {
      throw gatewayError(
        'INVALID_REQUEST',
        'CONFIG_CONFLICT',
        'config changed since it was read; reload and retry',
        {
          details: { baseHash, currentHash: this.hash },
        },
      );
    }
  }

  async #write(raw: Record<string, unknown>, origin: string | undefined): Promise<ConfigChange> {
    const next = this.#overrides(parseChecked(raw, this.schema));
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    const tmp = `${this.path}.${process.pid}.tmp`;
    const text = `${JSON.stringify(raw, null, 2)}\n`;
    await writeFile(tmp, text, { mode: 0o600 });
    await rename(tmp, this.path);
    this.#lastText = text;
    this.#raw = raw;
    this.#exists = true;
    return this.#apply(next, origin);
  }

  /** Re-read the file (e.g. on SIGHUP or a file watcher). */
  reload(): Promise<ConfigChange> {
    return this.#serial(() => this.#reload());
  }

  async #reload(): Promise<ConfigChange> {
    const text = await readFile(this.path, 'utf8');
    const raw = checkFile(text, this.path, this.schema);
    const next = this.#overrides(parseChecked(raw, this.schema));
    this.#raw = raw;
    this.#lastText = text;
    this.#exists = true;
    return this.#apply(next);
  }

  /**
   * Re-read the file if its text differs from what was last read or written here (an operator's
   * edit, not our own write). Undefined when nothing changed, or when the file is gone (a removed
   * file is not an empty config: the running one is kept). An invalid file throws CONFIG_INVALID
   * with every issue and changes nothing.
   */
  reloadIfChanged(): Promise<ConfigChange | undefined> {
    return this.#serial(() => this.#reloadIfChanged());
  }

  async #reloadIfChanged(): Promise<ConfigChange | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    if (text === this.#lastText) return undefined;
    const raw = checkFile(text, this.path, this.schema);
    const next = this.#overrides(parseChecked(raw, this.schema));
    this.#lastText = text;
    this.#exists = true;
    if (JSON.stringify(raw) === JSON.stringify(this.#raw)) return undefined;
    this.#raw = raw;
    return this.#apply(next);
  }

  #apply(next: GatewayConfig, origin?: string): ConfigChange {
    const previous = this.#config;
    this.#config = next;
    const changed = diffPaths(previous, next);
    const restartRequired = changed.filter((p) =>
      RESTART_REQUIRED_PREFIXES.some((r) => p === r || p.startsWith(`${r}.`)),
    );
    const applied = changed.filter((p) => !restartRequired.includes(p));
    for (const p of restartRequired) this.#pendingRestart.add(p);
    const change = {
      path: this.path,
      hash: this.hash,
      previous,
      current: next,
      changed,
      applied,
      restartRequired,
      origin,
    };
    for (const l of this.#listeners) l(change);
    return change;
  }
}

/**
 * parseConfig, and no secret may hold the placeholder: pasted from config.get into the file, it
 * would become the secret itself, and the placeholder is public.
 */
function parseChecked(raw: Record<string, unknown>, schema: TObject): GatewayConfig {
  const config = parseConfig(raw, schema);
  const path = placeholderPaths(schema, raw)[0];
  if (path !== undefined) {
    const message = `holds the redacted placeholder ${REDACTED}; put the secret itself there, or remove the key`;
    throw gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', `config ${path}: ${message}`, {
      details: { path, issues: [{ path, message }] },
    });
  }
  return config;
}

/**
 * A config file's content, checked whole: a syntax error or every schema problem, each with its
 * line and column in the file (`details.file`, `details.issues[].line/column`).
 */
function checkFile(text: string, file: string, schema: TObject): Record<string, unknown> {
  const r = checkConfigText(text, (t) => JSON5.parse(t), schema);
  if (r.ok) return r.raw;
  throw invalid(r.issues, { file });
}

function invalid(issues: ConfigIssue[], extra: Record<string, unknown> = {}) {
  return gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', configErrorMessage(issues), {
    details: { path: issues[0]?.path ?? '', issues, ...extra },
  });
}

function parseJson5(text: string, where: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON5.parse(text);
  } catch (error) {
    const issue = syntaxIssue(error);
    issue.message = `${where}: ${issue.message}`;
    throw invalid([issue]);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid([{ path: '', kind: 'invalid-value', message: `${where} must be an object` }]);
  }
  return value as Record<string, unknown>;
}

function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target)
      ? { ...(target as Record<string, unknown>) }
      : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function diffPaths(a: unknown, b: unknown, prefix = ''): string[] {
  if (a === b) return [];
  const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObj(a) || !isObj(b)) return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix || '(root)'];
  const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
  const out: string[] = [];
  for (const k of keys) {
    out.push(
      ...diffPaths(
        (a as Record<string, unknown>)[k],
        (b as Record<string, unknown>)[k],
        prefix ? `${prefix}.${k}` : k,
      ),
    );
  }
  return out;
}
