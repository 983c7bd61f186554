// Runs the real CLI as a child process, and a real gateway through it.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'bin.ts');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, ['--conditions=@openclaw/source', bin, ...args], {
      env: { PATH: process.env.PATH ?? '', HOME: env.OPENCLAW_STATE_DIR ?? tmpdir(), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
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
      rej(new Error(`openclaw ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      res({ code, stdout, stderr });
    });
  });
}

export interface RunningGateway {
  port: number;
  url: string;
  token: string;
  stateDir: string;
  child: ChildProcess;
  /** Everything the gateway wrote to stdout so far (its log lines). */
  stdout(): string;
  /** Env for a CLI that uses its own state dir (its own device) against this gateway. */
  cliEnv(cliStateDir: string): Record<string, string>;
  [Symbol.asyncDispose](): Promise<void>;
}

export async function tempDir(prefix = 'oc-cli-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function startGateway(prepare?: (stateDir: string) => Promise<void>): Promise<RunningGateway> {
  const stateDir = await tempDir('oc-cli-gw-');
  await prepare?.(stateDir);
  const token = randomBytes(24).toString('base64url');
  const child = spawn(
    process.execPath,
    ['--conditions=@openclaw/source', bin, 'gateway', 'run', '--port', '0'],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: stateDir,
        OPENCLAW_STATE_DIR: stateDir,
        OPENCLAW_GATEWAY_TOKEN: token,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  let stdout = '';
  child.stderr!.on('data', (d: Buffer) => {
    out += d;
  });
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
  });
  const port = await new Promise<number>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`gateway did not start: ${out}`)), 20_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d;
      const m = /"port":(\d+),"bind".*"msg":"gateway listening"/.exec(out);
      if (m) {
        clearTimeout(timer);
        res(Number(m[1]));
      }
    });
    child.once('exit', () => rej(new Error(`gateway exited: ${out}`)));
  });
  const url = `ws://127.0.0.1:${port}`;
  return {
    port,
    url,
    token,
    stateDir,
    child,
    stdout: () => stdout,
    cliEnv: (cliStateDir) => ({
      OPENCLAW_STATE_DIR: cliStateDir,
      OPENCLAW_GATEWAY_URL: url,
      OPENCLAW_GATEWAY_TOKEN: token,
    }),
    async [Symbol.asyncDispose]() {
      await new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      });
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
