import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StartupError } from './startup-error.ts';

export interface LockInfo {
  pid: number;
  port?: number | undefined;
  host?: string | undefined;
  startedAt: string;
}

function lockHeld(path: string, holder: LockInfo): StartupError {
  return new StartupError(
    'STATE_DIR_LOCKED',
    `another gateway is running on this state dir (pid ${holder.pid}${holder.port ? `, port ${holder.port}` : ''}); lock: ${path}. Stop it with \`openclaw gateway stop\` or use another OPENCLAW_STATE_DIR.`,
  );
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else — still alive.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export async function readLock(path: string): Promise<LockInfo | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * One gateway per state dir. The lock file holds our pid (and port once listening); a lock
 * left by a dead process is taken over.
 */
export class InstanceLock {
  readonly path: string;
  #info: LockInfo;
  #held = false;

  private constructor(path: string, info: LockInfo) {
    this.path = path;
    this.#info = info;
  }

  static async acquire(path: string): Promise<InstanceLock> {
    await mkdir(dirname(path), { recursive: true, mode: 0o700 });
    const info: LockInfo = { pid: process.pid, startedAt: new Date().toISOString() };
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const fh = await open(path, 'wx', 0o600);
        await fh.writeFile(`${JSON.stringify(info)}\n`);
        await fh.close();
        const lock = new InstanceLock(path, info);
        lock.#held = true;
        return lock;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const holder = await readLock(path);
        if (holder && holder.pid !== process.pid && alive(holder.pid)) throw lockHeld(path, holder);
        // Stale (dead pid or unreadable): take it over.
        await rm(path, { force: true });
      }
    }
    throw new Error(`could not take the gateway lock ${path}`);
  }

  async update(patch: Partial<LockInfo>): Promise<void> {
    this.#info = { ...this.#info, ...patch };
    if (this.#held) await writeFile(this.path, `${JSON.stringify(this.#info)}\n`, { mode: 0o600 });
  }

  async release(): Promise<void> {
    if (!this.#held) return;
    this.#held = false;
    const current = await readLock(this.path);
    if (current?.pid === process.pid) await rm(this.path, { force: true });
  }
}
