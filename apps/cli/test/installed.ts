// Helpers for the opt-in package tests: pack this checkout, install the tarballs into temporary
// prefixes with Node 24 and npm only (no workspace around them), and run the installed bins.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/**
 * A PATH whose first entry holds only this Node 24 and npm, then the system's directories (for
 * `sh`, `echo`): the installed bins' `#!/usr/bin/env node` finds Node 24, never a workspace tool.
 */
export function nodeOnlyPath(parent: string): string {
  const bin = join(parent, 'node-only-bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, 'node'));
  const npmCli = realpathSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim());
  symlinkSync(npmCli, join(bin, 'npm'));
  return [bin, '/usr/bin', '/bin'].join(':');
}

/**
 * The environment an installed bin runs with: nothing from the workspace or pnpm. The machine's
 * network settings (proxy, extra CA certificates) and npm's user config and cache are kept, so
 * npm reaches the registry as it does for this user; HOME is per test.
 */
export function cleanEnv(path: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: path, LANG: 'C.UTF-8' };
  for (const [k, v] of Object.entries(process.env)) {
    if (
      v !== undefined &&
      /^(https?_proxy|no_proxy|node_extra_ca_certs|ssl_cert_file|ssl_cert_dir)$/i.test(k)
    ) {
      env[k] = v;
    }
  }
  const home = process.env.HOME;
  if (home) {
    env.npm_config_cache = join(home, '.npm');
    if (existsSync(join(home, '.npmrc'))) env.npm_config_userconfig = join(home, '.npmrc');
  }
  return { ...env, ...extra };
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(
  file: string,
  args: string[],
  o: { env: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<Run> {
  return new Promise((res, rej) => {
    const child = spawn(file, args, { env: o.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`${file} ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, o.timeoutMs ?? 60_000);
    child.on('error', rej);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

export async function runOk(
  file: string,
  args: string[],
  o: { env: Record<string, string>; cwd: string; timeoutMs?: number },
): Promise<string> {
  const r = await run(file, args, o);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

export interface Daemon {
  child: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Start a long-running process; its output is kept for failure messages and waits. */
export function daemon(
  file: string,
  args: string[],
  o: { env: Record<string, string>; cwd: string },
): Daemon {
  const child = spawn(file, args, { env: o.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d;
  });
  return {
    child,
    output: () => out,
    stop: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null || child.signalCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

/** Poll `GET /readyz` until 200; the time from `since` (performance.now()) to that answer. */
export async function untilReady(
  port: number,
  d: Daemon,
  since: number,
  timeoutMs = 30_000,
): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    if (r?.status === 200) return performance.now() - since;
    if (d.child.exitCode !== null) throw new Error(`exited ${d.child.exitCode} before ready:\n${d.output()}`);
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms:\n${d.output()}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Resolves when the process has printed something matching `re`. */
export async function waitForOutput(d: Daemon, re: RegExp, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!re.test(d.output())) {
    if (d.child.exitCode !== null) throw new Error(`exited ${d.child.exitCode}:\n${d.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${re} after ${timeoutMs} ms:\n${d.output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const median = (xs: number[]): number =>
  [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
