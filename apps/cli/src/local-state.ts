import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import JSON5 from 'json5';

/** Where the gateway keeps its state; the CLI reads the same files (it never imports gateway code). */
export function stateDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.OPENCLAW_STATE_DIR || join(homedir(), '.openclaw'));
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.OPENCLAW_CONFIG_PATH || join(stateDir(env), 'openclaw.json'));
}

export interface LockInfo {
  pid: number;
  port?: number;
  host?: string;
  startedAt?: string;
}

export async function readLock(env: NodeJS.ProcessEnv = process.env): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir(env), 'gateway.lock'), 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

export async function readTokenFile(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    const t = (await readFile(join(stateDir(env), 'gateway.token'), 'utf8')).trim();
    return t || undefined;
  } catch {
    return undefined;
  }
}

/** The raw config file (JSON5), undefined when absent. Throws on a syntax error. */
export async function readConfigFile(
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ path: string; raw: Record<string, unknown> | undefined; text: string | undefined }> {
  const path = configPath(env);
  let text: string | undefined;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return { path, raw: undefined, text: undefined };
  }
  return { path, raw: JSON5.parse(text) as Record<string, unknown>, text };
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
