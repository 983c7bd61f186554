import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { cliEntry, SOURCE_CONDITIONS } from './paths.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The real CLI as a child process. `env` should carry its own OPENCLAW_STATE_DIR (its own
 * device); nothing else of this process's environment leaks in but PATH.
 */
export function runCli(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SOURCE_CONDITIONS, cliEntry, ...args], {
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
      reject(new Error(`openclaw ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
