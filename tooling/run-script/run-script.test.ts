// `./run`, the entry point on a fresh machine: its help needs nothing installed and says only help.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The script with only the system's own tools on PATH: help must not fetch Node or pnpm. */
function run(...args: string[]) {
  return spawnSync(join(root, 'run'), args, {
    cwd: root,
    env: { PATH: '/usr/bin:/bin', HOME: root },
    encoding: 'utf8',
    timeout: 10_000,
  });
}

describe('./run help', () => {
  const expected = [
    'The one entry point on a fresh machine: it fetches what is missing (Node 24 and',
    'pnpm, from the npm registry, into .tools/), installs the workspace, then runs.',
    '',
    '  ./run gateway [flags]   start the gateway (same as: ./run openclaw gateway run)',
    '  ./run openclaw [args]   the CLI, from its built bundle (rebuilt first when a source is newer)',
    '  ./run test              the whole suite, exactly what CI runs',
    "  ./run <cmd> [args]      any command with the project's Node 24 and pnpm first on PATH",
    '',
  ].join('\n');

  it('prints the usage and nothing else for --help, -h, help and no arguments', () => {
    for (const args of [['--help'], ['-h'], ['help'], []]) {
      const r = run(...args);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe(expected);
      expect(r.stderr).toBe('');
    }
  });

  it('./run test --help explains the test command instead of running the suite', () => {
    const r = run('test', '--help');
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('usage: ./run test');
    expect(r.stdout).toContain('./run pnpm vitest run <path>');
    expect(r.stderr).toBe('');
  });
});
