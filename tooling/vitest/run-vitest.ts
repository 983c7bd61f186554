// Runs vitest on fixture files in a child process, for the tests of the suite's own setup and
// reporters: not the outer run's CI flag or vitest's worker variables.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

export function runVitest(
  config: string,
  files: string[],
  env: Record<string, string | undefined>,
  args: string[] = [],
): Promise<{ code: number | null; out: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'CI' && !k.startsWith('VITEST')) base[k] = v;
  for (const [k, v] of Object.entries(env)) if (v !== undefined) base[k] = v;
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [vitestBin, 'run', '--config', config, ...args, ...files], {
      cwd: root,
      env: { ...base, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    child.once('error', rej);
    child.once('exit', (code) => res({ code, out }));
  });
}
