import type { ChildProcess } from 'node:child_process';

export type Exit = { code: number | null; signal: NodeJS.Signals | null };

/** A child process whose output is kept, with waits on what it prints and on its exit. */
export interface TrackedProcess {
  child: ChildProcess;
  /** Everything it wrote, stdout and stderr, so far. */
  output(): string;
  /** What it wrote to stdout so far (the gateway's log lines). */
  stdout(): string;
  /** Resolve with the first match of `re` in its output (already printed, or when it is). */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  waitForExit(timeoutMs?: number): Promise<Exit>;
  /** Signal it (unless it has exited) and wait for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Exit>;
}

/**
 * Every tracked child still running, shared through a global so that the suite's setup file can
 * find, after each test file, a process the file started and never stopped (it would outlive the
 * run: seen once as a gateway left listening after CI) without importing this package.
 */
const LIVE = Symbol.for('openclaw.test.liveProcesses');
type LiveRegistry = Map<ChildProcess, string>;
function liveRegistry(): LiveRegistry {
  const g = globalThis as { [LIVE]?: LiveRegistry };
  g[LIVE] ??= new Map();
  return g[LIVE];
}

/** Keep a spawned child's output (its stdio must be pipes) and offer waits on it. */
export function trackProcess(child: ChildProcess): TrackedProcess {
  const live = liveRegistry();
  live.set(child, child.spawnargs.join(' '));
  child.once('exit', () => live.delete(child));
  let out = '';
  let stdout = '';
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of listeners) l();
  };
  child.stdout?.on('data', (d: Buffer) => {
    out += d;
    stdout += d;
    notify();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d;
    notify();
  });
  const exited = new Promise<Exit>((res) => child.once('exit', (code, signal) => res({ code, signal })));
  const waitForExit = (timeoutMs = 15_000) => {
    let timer: NodeJS.Timeout | undefined;
    return Promise.race([
      exited,
      new Promise<never>((_, rej) => {
        timer = setTimeout(() => rej(new Error(`process did not exit; output:\n${out}`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  };
  return {
    child,
    output: () => out,
    stdout: () => stdout,
    waitFor(re, timeoutMs = 20_000) {
      return new Promise((res, rej) => {
        const check = () => {
          const m = re.exec(out);
          if (!m) return;
          listeners.delete(check);
          clearTimeout(timer);
          res(m);
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          rej(new Error(`timed out waiting for ${re}; output:\n${out}`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    waitForExit,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return waitForExit();
    },
  };
}
