import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

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

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
