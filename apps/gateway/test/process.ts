// Starts the real gateway process through the CLI entry, the way operators run it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const cliEntry = join(repoRoot, 'apps', 'cli', 'src', 'bin.ts');

export interface GatewayProcess {
  child: ChildProcess;
  port: number;
  url: string;
  stateDir: string;
  /** Everything the process wrote, so far. */
  output(): string;
  stdoutLines(): string[];
  waitForExit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SpawnOptions {
  args?: string[];
  env?: Record<string, string>;
  stateDir?: string;
  /** Resolve when the process exits instead of waiting for it to listen (startup failures). */
  expectExit?: boolean;
  timeoutMs?: number;
}

export async function tempStateDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'oc-gw-'));
}

export function spawnGateway(options: SpawnOptions = {}): Promise<GatewayProcess> {
  return (async () => {
    const stateDir = options.stateDir ?? (await tempStateDir());
    const ownsDir = options.stateDir === undefined;
    const child = spawn(
      process.execPath,
      ['--conditions=@openclaw/source', cliEntry, 'gateway', 'run', '--port', '0', ...(options.args ?? [])],
      {
        env: { PATH: process.env.PATH ?? '', HOME: stateDir, OPENCLAW_STATE_DIR: stateDir, ...options.env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      stdout += d;
    });
    child.stderr!.on('data', (d: Buffer) => {
      out += d;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) =>
      child.once('exit', (code, signal) => res({ code, signal })),
    );
    const waitForExit = (timeoutMs = 15_000) =>
      Promise.race([
        exited,
        new Promise<never>((_, rej) =>
          setTimeout(() => rej(new Error(`gateway did not exit; output:\n${out}`)), timeoutMs),
        ),
      ]);
    const base = {
      child,
      stateDir,
      output: () => out,
      stdoutLines: () => stdout.split('\n').filter(Boolean),
      waitForExit,
      async stop() {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
        return waitForExit();
      },
    };
    if (options.expectExit) {
      await waitForExit(options.timeoutMs ?? 20_000).catch((error: unknown) => {
        // It kept running: the caller gets no handle to stop it, so do it here.
        child.kill('SIGKILL');
        throw error;
      });
      return {
        ...base,
        port: 0,
        url: '',
        async [Symbol.asyncDispose]() {
          if (ownsDir) await rm(stateDir, { recursive: true, force: true });
        },
      };
    }
    const port = await new Promise<number>((res, rej) => {
      const timer = setTimeout(
        () => rej(new Error(`gateway did not start; output:\n${out}`)),
        options.timeoutMs ?? 20_000,
      );
      const check = () => {
        for (const line of stdout.split('\n')) {
          if (!line.includes('gateway listening')) continue;
          try {
            const j = JSON.parse(line) as { port?: number };
            if (j.port) {
              clearTimeout(timer);
              res(j.port);
              return;
            }
          } catch {
            // not a JSON line
          }
        }
      };
      child.stdout!.on('data', check);
      child.once('exit', () => {
        clearTimeout(timer);
        rej(new Error(`gateway exited before listening; output:\n${out}`));
      });
      check();
    });
    return {
      ...base,
      port,
      url: `ws://127.0.0.1:${port}`,
      async [Symbol.asyncDispose]() {
        await base.stop().catch(() => undefined);
        if (ownsDir) await rm(stateDir, { recursive: true, force: true });
      },
    };
  })();
}

/** The real CLI as a child process; `env` should carry its own OPENCLAW_STATE_DIR (its own device). */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=@openclaw/source', cliEntry, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: env.OPENCLAW_STATE_DIR ?? tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`openclaw ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A temp dir removed on dispose, optionally with an openclaw.json in it (a gateway state dir). */
export async function tempDir(
  config?: unknown,
): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await tempStateDir();
  if (config !== undefined) await writeFile(join(path, 'openclaw.json'), JSON.stringify(config));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}
