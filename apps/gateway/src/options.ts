import type { GatewayConfig } from '@openclaw/gateway-core';
import type { BindMode } from './bind.ts';
import { StartupError } from './startup-error.ts';

/** Command-line flags of `gateway run`; each wins over env and file. */
export interface GatewayFlags {
  port?: number | undefined;
  bind?: BindMode | undefined;
  host?: string | undefined;
  auth?: 'token' | 'password' | 'none' | undefined;
  token?: string | undefined;
  password?: string | undefined;
  verbose?: boolean | undefined;
}

const BINDS = new Set(['loopback', 'lan', 'tailnet', 'custom']);

/**
 * Env and flags on top of the file config: flags over env over file. Applied on every config
 * change too, so a config.patch never silently undoes a flag.
 */
export function applyOverrides(
  config: GatewayConfig,
  env: NodeJS.ProcessEnv,
  flags: GatewayFlags,
): GatewayConfig {
  const c = structuredClone(config);
  const envPort = env.OPENCLAW_GATEWAY_PORT;
  if (envPort) {
    const p = Number(envPort);
    if (!Number.isInteger(p) || p < 0 || p > 65535)
      throw new StartupError('CONFIG_INVALID', `OPENCLAW_GATEWAY_PORT: not a port: ${envPort}`);
    c.gateway.port = p;
  }
  const envBind = env.OPENCLAW_GATEWAY_BIND;
  if (envBind) {
    if (!BINDS.has(envBind))
      throw new StartupError(
        'CONFIG_INVALID',
        `OPENCLAW_GATEWAY_BIND: expected loopback|lan|tailnet|custom, got ${envBind}`,
      );
    c.gateway.bind = envBind as BindMode;
  }
  if (env.OPENCLAW_GATEWAY_TOKEN) c.auth.token = env.OPENCLAW_GATEWAY_TOKEN;
  if (env.OPENCLAW_GATEWAY_PASSWORD) c.auth.password = env.OPENCLAW_GATEWAY_PASSWORD;
  if (flags.port !== undefined) c.gateway.port = flags.port;
  if (flags.bind !== undefined) c.gateway.bind = flags.bind;
  if (flags.host !== undefined) {
    c.gateway.host = flags.host;
    if (flags.bind === undefined) c.gateway.bind = 'custom';
  }
  if (flags.token !== undefined) c.auth.token = flags.token;
  if (flags.password !== undefined) c.auth.password = flags.password;
  if (flags.auth !== undefined) c.auth.mode = flags.auth;
  else if (flags.password !== undefined && flags.token === undefined) c.auth.mode = 'password';
  if (flags.verbose) c.logging.level = 'debug';
  return c;
}

export function parsePort(value: string): number {
  const p = Number(value);
  if (!Number.isInteger(p) || p < 0 || p > 65535)
    throw new StartupError('FLAG_INVALID', `--port: not a port: ${value}`);
  return p;
}

export function parseBind(value: string): BindMode {
  if (!BINDS.has(value))
    throw new StartupError('FLAG_INVALID', `--bind: expected loopback|lan|tailnet|custom, got ${value}`);
  return value as BindMode;
}

const AUTH_MODES = new Set(['token', 'password', 'none']);

export function parseAuthMode(value: string): NonNullable<GatewayFlags['auth']> {
  if (!AUTH_MODES.has(value))
    throw new StartupError('FLAG_INVALID', `--auth: expected token|password|none, got ${value}`);
  return value as NonNullable<GatewayFlags['auth']>;
}
