// The suite's guard against test files that leave processes running (setup.ts), run for real:
// vitest on fixture files with the suite's setup file.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runVitest as run } from './run-vitest.ts';

const runVitest = (file: string, env: Record<string, string>) =>
  run('tooling/vitest/fixtures/leak.vitest.config.ts', [file], env);

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
    // The guard waits this long for a process that never exits on its own: the grace period must
    // run out here, and how long it is does not change the outcome.
    const r = await runVitest('tooling/vitest/fixtures/leaves-process.leak-fixture.ts', {
      LEAK_PID_FILE: pidFile,
      OPENCLAW_TEST_LEAK_GRACE_MS: '3000',
    });
    expect(r.code, r.out).toBe(1);
    expect(r.out).toContain('the test file left 1 process(es) running (now killed)');
    expect(r.out).toContain('sleep 300');
    const pid = Number(await readFile(pidFile, 'utf8'));
    expect(alive(pid)).toBe(false);
  }, 60_000);

  it('passes when its processes were stopped, or told to stop and exit within the grace period', async () => {
    // The default grace period: the guard's wait ends when the process told to stop exits (about
    // a second after the signal), so a busy machine costs it time, never the verdict. A short
    // grace measured in wall time once ran out under load.
    const r = await runVitest('tooling/vitest/fixtures/stops-process.leak-fixture.ts', {});
    expect(r.code, r.out).toBe(0);
    expect(r.out).not.toContain('left');
  }, 60_000);
});
