import { type ConfigIssue, formatConfigIssues, GatewayRequestError } from '@openclaw/protocol';
import JSON5 from 'json5';

/** Exit codes, documented in the README: scripts branch on them. */
export const ExitCodes = {
  OK: 0,
  /** The gateway answered with an error. */
  ERROR: 1,
  /** Bad usage or a bad local config. */
  USAGE: 2,
  /** The gateway could not be reached. */
  UNREACHABLE: 3,
  /** This device waits for an operator's approval. */
  PAIRING_REQUIRED: 4,
  /** The credentials were refused. */
  AUTH_FAILED: 5,
  /** A check (doctor) or a wait (login) did not succeed. */
  CHECK_FAILED: 6,
} as const;

/** An error the CLI prints as-is (with a hint) and exits on. */
export class CliError extends Error {
  override name = 'CliError';
  readonly exitCode: number;
  readonly hint: string | undefined;
  readonly details: unknown;
  constructor(
    message: string,
    options: { exitCode?: number; hint?: string; details?: unknown; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? ExitCodes.ERROR;
    this.hint = options.hint;
    this.details = options.details;
  }
}

const AUTH_CODES = new Set([
  'AUTH_REQUIRED',
  'AUTH_TOKEN_MISSING',
  'AUTH_TOKEN_MISMATCH',
  'AUTH_PASSWORD_MISSING',
  'AUTH_PASSWORD_MISMATCH',
  'AUTH_DEVICE_TOKEN_MISMATCH',
  'AUTH_SCOPE_MISMATCH',
  'AUTH_RATE_LIMITED',
  'DEVICE_IDENTITY_REQUIRED',
  'DEVICE_AUTH_SIGNATURE_INVALID',
  'DEVICE_AUTH_SIGNATURE_EXPIRED',
  'DEVICE_AUTH_NONCE_MISMATCH',
  'DEVICE_AUTH_DEVICE_ID_MISMATCH',
  'DEVICE_AUTH_PUBLIC_KEY_INVALID',
  'CONTROL_UI_ORIGIN_NOT_ALLOWED',
  'PROTOCOL_MISMATCH',
]);

/** Turn a gateway error into what the operator should read and do. */
export function explain(error: unknown, where: { url: string; sources: string[] }): CliError {
  if (error instanceof CliError) return error;
  if (error instanceof GatewayRequestError) {
    const detail = error.detailCode;
    if (detail === 'PAIRING_REQUIRED') {
      const id = String(error.details?.requestId ?? '?');
      return new CliError(`this device is waiting for approval (request ${id})`, {
        exitCode: ExitCodes.PAIRING_REQUIRED,
        hint: `approve it from an already-paired client:\n  openclaw devices approve ${id}\nthen run this command again`,
        details: error.details,
      });
    }
    if (detail && AUTH_CODES.has(detail)) {
      const hint =
        detail === 'AUTH_TOKEN_MISSING' || detail === 'AUTH_TOKEN_MISMATCH'
          ? 'pass --token, or set OPENCLAW_GATEWAY_TOKEN (on the gateway host: openclaw gateway token)'
          : detail === 'AUTH_RATE_LIMITED'
            ? `too many failed logins of this kind from this address; wait ${Math.ceil((error.retryAfterMs ?? 0) / 1000)} s (a paired device's own token is not affected; docs/SECURITY.md)`
            : detail === 'AUTH_SCOPE_MISMATCH'
              ? 'this device is approved for fewer scopes; ask with the gateway token to open a repair request, or use --scopes'
              : detail === 'PROTOCOL_MISMATCH'
                ? 'this CLI and the gateway speak different protocol versions; upgrade the older one'
                : "check the credentials (--token/--password) and this device's pairing (openclaw devices list)";
      return new CliError(`${error.message} (${detail})`, {
        exitCode: ExitCodes.AUTH_FAILED,
        hint,
        details: error.details,
      });
    }
    if (error.method === 'connect' && error.code === 'UNAVAILABLE') {
      return new CliError(`cannot reach the gateway at ${where.url}`, {
        exitCode: ExitCodes.UNREACHABLE,
        hint: `looked at: ${where.sources.join('; ')}\nstart it with \`openclaw gateway run\`, or point at another with --url / OPENCLAW_GATEWAY_URL`,
      });
    }
    if (detail === 'CONFIG_INVALID') {
      const issues = (error.details?.issues as ConfigIssue[] | undefined) ?? [];
      const lines = formatConfigIssues(issues);
      if (lines.length === 1) return new CliError(`config ${lines[0]}`, { details: error.details });
      if (lines.length > 1)
        return new CliError(`the config change has ${lines.length} problems`, {
          hint: lines.join('\n'),
          details: error.details,
        });
    }
    if (detail === 'METHOD_UNKNOWN') {
      return new CliError(error.message, {
        hint: 'this gateway does not serve that method (yet); `openclaw gateway call status` shows its version',
        details: error.details,
      });
    }
    if (detail === 'MISSING_SCOPE') {
      return new CliError(error.message, {
        hint: `this device lacks ${String(error.details?.missingScope)}; re-pair with --scopes including it`,
        details: error.details,
      });
    }
    return new CliError(`${error.message}${detail ? ` (${detail})` : ` (${error.code})`}`, {
      details: error,
    });
  }
  return new CliError(error instanceof Error ? error.message : String(error));
}

/** Parse a JSON (or JSON5) command-line option; a bad value is a usage error naming the option. */
export function parseJsonOption(text: string, option: string): unknown {
  try {
    return JSON5.parse(text);
  } catch (error) {
    throw new CliError(`${option} is not valid JSON: ${(error as Error).message}`, {
      exitCode: ExitCodes.USAGE,
    });
  }
}
