import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** State dir: $OPENCLAW_STATE_DIR, else ~/.openclaw. */
export function resolveStateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.OPENCLAW_STATE_DIR || join(homedir(), '.openclaw'));
}

/** Config file: $OPENCLAW_CONFIG_PATH, else <state dir>/openclaw.json. */
export function resolveConfigPath(
  env: NodeJS.ProcessEnv = process.env,
  stateDir = resolveStateDir(env),
): string {
  return resolve(env.OPENCLAW_CONFIG_PATH || join(stateDir, 'openclaw.json'));
}

export const stateFiles = {
  lock: 'gateway.lock',
  token: 'gateway.token',
  database: 'gateway.db',
  gatewayId: 'gateway.id',
} as const;
