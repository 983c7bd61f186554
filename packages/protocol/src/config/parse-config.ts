import type { TSchema } from '@sinclair/typebox';
import { type TypeCheck, TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import { gatewayError } from '../errors.ts';
import { GatewayConfig } from './gateway-config.ts';

/** Dotted path from a JSON pointer: /auth/rateLimit/maxFailures → auth.rateLimit.maxFailures */
function toDotted(pointer: string): string {
  return pointer
    .split('/')
    .filter(Boolean)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Checks a value against a config schema (whole config or one part) and explains failures. */
export interface ConfigChecker {
  check(value: unknown): boolean;
  /**
   * Why the value fails, at most `max` issues, each with a dotted path (after `prefix`). Messages
   * never contain the offending value: it may be a secret.
   */
  issues(value: unknown, prefix?: string, max?: number): ConfigIssue[];
}

const checkers = new WeakMap<TSchema, ConfigChecker>();

/** The checker for a schema, compiled on first use and reused. */
export function configChecker(schema: TSchema): ConfigChecker {
  let c = checkers.get(schema);
  if (!c) {
    let compiled: TypeCheck<TSchema> | undefined;
    const get = () => {
      compiled ??= TypeCompiler.Compile(schema);
      return compiled;
    };
    c = {
      check: (value) => get().Check(value),
      issues: (value, prefix = '', max = 10) => {
        const out: ConfigIssue[] = [];
        for (const e of get().Errors(value)) {
          const dotted = toDotted(e.path);
          out.push({
            path: prefix && dotted ? `${prefix}.${dotted}` : prefix || dotted,
            message: explain(e.schema as Record<string, unknown>, e.message),
          });
          if (out.length >= max) break;
        }
        return out;
      },
    };
    checkers.set(schema, c);
  }
  return c;
}

/** A better message than the validator's where the schema allows one; never the value itself. */
function explain(schema: Record<string, unknown>, message: string): string {
  if (typeof schema.errorMessage === 'string') return schema.errorMessage;
  const options = Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (options?.length && options.every((o) => typeof (o as { const?: unknown }).const === 'string'))
    return `must be one of ${options.map((o) => (o as { const: string }).const).join(', ')}`;
  // Unknown keys come back as an error at the key itself.
  if (/additional properties|Unexpected property/i.test(message)) return 'unknown key';
  return message;
}

/**
 * Apply defaults to a raw config object and validate it against `schema` (GatewayConfig, or a
 * gateway's composed schema with its channels). Throws a GatewayError (INVALID_REQUEST /
 * CONFIG_INVALID) naming the first offending key.
 */
export function parseConfig(raw: unknown, schema: TSchema = GatewayConfig): GatewayConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', 'config must be an object', {
      details: { path: '', issues: [{ path: '', message: 'expected an object' }] },
    });
  }
  const withDefaults = Value.Default(schema, structuredClone(raw)) as unknown;
  const checker = configChecker(schema);
  if (checker.check(withDefaults)) return withDefaults as GatewayConfig;
  const issues = checker.issues(withDefaults);
  const first = issues[0] ?? { path: '', message: 'invalid' };
  throw gatewayError(
    'INVALID_REQUEST',
    'CONFIG_INVALID',
    `config ${first.path || '(root)'}: ${first.message}`,
    {
      details: { path: first.path, issues },
    },
  );
}

/** The defaults alone: what a gateway runs with when there is no config file. */
export function defaultConfig(): GatewayConfig {
  return parseConfig({});
}
