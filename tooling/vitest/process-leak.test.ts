// The suite's guard against test files that leave processes running (setup.ts), run for real:
// vitest on fixture files with the suite's setup file.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const vitestBin = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');

function runVitest(file: string, env: Record<string, string>): Promise<{ code: number | null; out: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && k !== 'CI' && !k.startsWith('VITEST')) base[k] = v;
  return new Promise((res, rej) => {
    const child = spawn(
      process.execPath,
      [vitestBin, 'run', '--config', 'tooling/vitest/fixtures/leak.vitest.config.ts', file],
      {
        cwd: root,
        env: { ...base, ...env, OPENCLAW_TEST_LEAK_GRACE_MS: '3000', NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
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

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('a test file that leaves a process running', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('fails, naming the process, and the process is killed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'oc-leak-'));
    dirs.push(dir);
    const pidFile = join(dir, 'pid');
    const r = await runVitest('tooling/vitest/fixtures/leaves-process.leak-fixture.ts', {
      LEAK_PID_FILE: pidFile,
    });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('the test file left 1 process(es) running (now killed)');
    expect(r.out).toContain('sleep 300');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(alive(pid)).toBe(false);
  }, 60_000);

  it('passes when its processes were stopped, or told to stop and exit within the grace period', async () => {
    const r = await runVitest('tooling/vitest/fixtures/stops-process.leak-fixture.ts', {});
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('left');
  }, 60_000);
});
