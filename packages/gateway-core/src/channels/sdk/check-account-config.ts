import { configChecker } from '@openclaw/protocol';
import type { Static, TObject } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { AccountConfigError } from './errors.ts';

/**
 * One account's provider keys checked against the provider's schema, with its defaults applied.
 * Throws AccountConfigError naming the first offending key (never its value). The validator is
 * made once per schema (configChecker).
 */
export function checkAccountConfig<T extends TObject>(schema: T, raw: Record<string, unknown>): Static<T> {
  const value = Value.Default(schema, structuredClone(raw));
  const checker = configChecker(schema);
  if (checker.check(value)) return value as Static<T>;
  const issue = checker.issues(value, '', 1)[0] ?? { path: '', message: 'invalid' };
  throw new AccountConfigError(issue.path, issue.message);
}
