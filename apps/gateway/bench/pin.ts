// Core pinning for the benches (util-linux `taskset`): the server on one core, the load (or the
// fakes) on the other, so the figure says what the work costs when the two do not take each
// other's core. Other processes on the machine are not moved.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Pin every thread of a process to the given CPUs; threads it starts later inherit the set. */
export function pinTo(pid: number, cpuList: string): void {
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
}

/** Every core again. */
export function unpin(pid: number): void {
  pinTo(pid, `0-${cpus().length - 1}`);
}

/** Whether a run can be pinned: taskset present, ≥ 2 cores, a local server pid. */
export function canPin(pid: number | undefined): pid is number {
  if (!pid || cpus().length < 2) return false;
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
