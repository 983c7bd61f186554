// One timed start of a gateway command: spawn → first 200 from /readyz, the CPU it took, and its
// RSS after 1.5 s idle. Shared by `pnpm bench` (the README's command) and `pnpm bench:startup`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@openclaw/test-fakes';

export interface StartSample {
  readyMs: number;
  /** CPU the process used until ready (user + system): far less sensitive to machine load. */
  cpuMs: number;
  rssMb: number;
}

export interface StartSeries {
  readyMs: { min: number; median: number; max: number };
  cpuToReadyMs: { median: number };
  idleRssMb: { min: number; median: number };
}

async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms
}

function stop(child: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (child.exitCode !== null || child.signalCode !== null) return res();
    child.once('exit', () => res());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/**
 * One start: spawn, poll /readyz every 2 ms, wait 1.5 s, read RSS, stop. Each start gets a fresh
 * state dir, but `cacheHome` (the CLI's compile cache) is shared, as a user's home would be: the
 * README's target is a warm machine, not a first start.
 */
export async function startSample(command: string[], cwd: string, cacheHome: string): Promise<StartSample> {
  const stateDir = await mkdtemp(join(tmpdir(), 'oc-startup-'));
  const port = await freePort();
  const [file, ...args] = command;
  const t0 = performance.now();
  // `./run` execs node, so the spawned pid is the gateway's in every case.
  const child = spawn(file!, [...args, '--port', String(port)], {
    cwd,
    env: {
      ...process.env,
      OPENCLAW_STATE_DIR: stateDir,
      HOME: stateDir,
      XDG_CACHE_HOME: cacheHome,
      OPENCLAW_GATEWAY_TOKEN: 'b'.repeat(32),
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => {
    err += d;
  });
  try {
    for (;;) {
      const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
      if (r?.status === 200) break;
      if (child.exitCode !== null) throw new Error(`${command.join(' ')} exited ${child.exitCode}: ${err}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const readyMs = performance.now() - t0;
    const cpu = await cpuMs(child.pid!);
    await new Promise((r) => setTimeout(r, 1500));
    return { readyMs, cpuMs: cpu, rssMb: await rssMb(child.pid!) };
  } finally {
    await stop(child);
    await rm(stateDir, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const r1 = (n: number) => Math.round(n * 10) / 10;

/** `runs` timed starts after one untimed one (which warms the file and compile caches). */
export async function startSeries(
  command: string[],
  opts: { runs: number; cwd: string; cacheHome: string },
): Promise<StartSeries> {
  await startSample(command, opts.cwd, opts.cacheHome);
  const s: StartSample[] = [];
  for (let i = 0; i < opts.runs; i++) s.push(await startSample(command, opts.cwd, opts.cacheHome));
  const ready = s.map((x) => x.readyMs);
  const rss = s.map((x) => x.rssMb);
  return {
    readyMs: {
      min: Math.round(Math.min(...ready)),
      median: Math.round(median(ready)),
      max: Math.round(Math.max(...ready)),
    },
    cpuToReadyMs: { median: median(s.map((x) => x.cpuMs)) },
    idleRssMb: { min: r1(Math.min(...rss)), median: r1(median(rss)) },
  };
}
