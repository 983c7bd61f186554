import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type GatewayError, gatewayError } from '../errors.ts';
import { agentsConfigIssues } from './agents-config.ts';
import { type ConfigIssue, configIssues, locateIssues, syntaxIssue } from './config-issues.ts';
import { GatewayConfig } from './gateway-config.ts';

export type { ConfigIssue } from './config-issues.ts';

/** Checks a value against a config schema (whole config or one part) and explains failures. */
export interface ConfigChecker {
  check(value: unknown): boolean;
  /**
   * Every problem (at most `max`), each with a dotted path (after `prefix`), what is wrong, the
   * allowed values and a "did you mean" for an unknown key. A value is quoted back only when no
   * secret mark in the schema covers it.
   */
  issues(value: unknown, prefix?: string, max?: number): ConfigIssue[];
}

const checkers = new WeakMap<TSchema, ConfigChecker>();

/**
 * The checker for a schema, made once and reused. It interprets the schema (`Value.Check`)
 * instead of compiling it: a config is checked a handful of times in a process's life (start,
 * reload, a config write, each channel section), and TypeCompiler.Compile first runs a deep
 * structural guard over the whole schema — for the gateway's config ~660 nodes and ~12,000 calls
 * of one TypeBox guard at start, enough that V8 sometimes optimized it with Turbofan and paged
 * ~5 MB of its own code in for good (docs/PERFORMANCE.md). Interpreting costs time per value
 * checked, not per schema node, and a config is small.
 */
export function configChecker(schema: TSchema): ConfigChecker {
  let c = checkers.get(schema);
  if (!c) {
    c = {
      check: (value) => Value.Check(schema, value),
      // The slow path, only after a failed check: it walks the schema to explain.
      issues: (value, prefix = '', max = 50) => configIssues(schema, value, max, prefix),
    };
    checkers.set(schema, c);
  }
  return c;
}

/** The error message of a rejected config: the one problem, or how many and each in short. */
export function configErrorMessage(issues: readonly ConfigIssue[]): string {
  const one = (i: ConfigIssue) => (i.path ? `${i.path}: ${i.message}` : i.message);
  if (issues.length === 1 && issues[0]) return `config${issues[0].path ? ' ' : ': '}${one(issues[0])}`;
  return `config has ${issues.length} problems: ${issues.map(one).join('; ')}`;
}

/**
 * Apply defaults to a raw config object and validate it against `schema` (GatewayConfig, or a
 * gateway's composed schema with its channels). Throws a GatewayError (INVALID_REQUEST /
 * CONFIG_INVALID) listing every problem in `details.issues` (each with its key path, what is
 * wrong, the allowed values, and a "did you mean" for near-miss keys); `details.path` is the
 * first one's path.
 */
export function parseConfig(raw: unknown, schema: TSchema = GatewayConfig): GatewayConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    const issues: ConfigIssue[] = [{ path: '', kind: 'invalid-value', message: 'must be an object' }];
    throw gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', 'config must be an object', {
      details: { path: '', issues },
    });
  }
  const withDefaults = Value.Default(schema, structuredClone(raw)) as unknown;
  const checker = configChecker(schema);
  const valid = checker.check(withDefaults);
  const issues = valid ? agentsConfigIssues(withDefaults as GatewayConfig) : checker.issues(withDefaults);
  if (valid && issues.length === 0) return withDefaults as GatewayConfig;
  if (issues.length === 0) issues.push({ path: '', message: 'invalid' });
  throw gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', configErrorMessage(issues), {
    details: { path: issues[0]?.path ?? '', issues },
  });
}

/** The defaults alone: what a gateway runs with when there is no config file. */
export function defaultConfig(): GatewayConfig {
  return parseConfig({});
}

export type ConfigTextResult =
  | { ok: true; raw: Record<string, unknown>; config: GatewayConfig }
  | { ok: false; issues: ConfigIssue[] };

/**
 * Check a config file's text: syntax (with the parser's line and column), then the schema (every
 * problem, each placed at its key's line and column). `parse` is the JSON5 parser — the protocol
 * package carries none.
 */
export function checkConfigText(
  text: string,
  parse: (text: string) => unknown,
  schema: TSchema = GatewayConfig,
): ConfigTextResult {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    return { ok: false, issues: [syntaxIssue(error)] };
  }
  try {
    return { ok: true, raw: raw as Record<string, unknown>, config: parseConfig(raw, schema) };
  } catch (error) {
    const issues = (error as GatewayError).details?.issues as ConfigIssue[] | undefined;
    if (!issues) throw error;
    return { ok: false, issues: locateIssues(issues, text) };
  }
}
