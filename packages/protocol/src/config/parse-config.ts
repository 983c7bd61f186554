import { Value } from '@sinclair/typebox/value';
import { gatewayError } from '../errors.ts';
import { validatorFor } from '../validate.ts';
import { GatewayConfig } from './gateway-config.ts';

const validator = validatorFor(GatewayConfig);

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

/**
 * Apply defaults to a raw config object and validate it. Throws a GatewayError
 * (INVALID_REQUEST / CONFIG_INVALID) naming the first offending key.
 */
export function parseConfig(raw: unknown): GatewayConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw gatewayError('INVALID_REQUEST', 'CONFIG_INVALID', 'config must be an object', {
      details: { path: '', issues: [{ path: '', message: 'expected an object' }] },
    });
  }
  const withDefaults = Value.Default(GatewayConfig, structuredClone(raw)) as unknown;
  if (validator.check(withDefaults)) return withDefaults;
  const issues: ConfigIssue[] = validator.issues(withDefaults, 10).map((i) => ({
    path: toDotted(i.path),
    message: describeIssue(i.path, i.message, withDefaults),
  }));
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

function describeIssue(pointer: string, message: string, value: unknown): string {
  // Unknown keys come back as an error on the parent object; name the offending key instead.
  if (/additional properties|Unexpected property/i.test(message)) {
    const parent = pointer
      .split('/')
      .filter(Boolean)
      .reduce<unknown>(
        (o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined),
        value,
      );
    return `${message} (unknown key${parent && typeof parent === 'object' ? `s: ${Object.keys(parent).join(', ')}` : ''})`;
  }
  return message;
}

/** The defaults alone: what a gateway runs with when there is no config file. */
export function defaultConfig(): GatewayConfig {
  return parseConfig({});
}
