// `pnpm bench:startup [--runs 5] [--no-costs]`: how fast each way of starting the gateway answers,
// and what it holds at idle. A command, not a test: numbers depend on the machine and its load.
//
//   start-up   spawn → first 200 from /readyz, then RSS after 1.5 s idle, for: the README's
//              `./run gateway`, the CLI bundle (what the packages and the systemd unit run), the
//              daemon entry without the CLI, and the TypeScript sources (for comparison)
//   costs      idle RSS of the CLI bundle with one lazily loaded library preloaded (--import),
//              minus idle RSS without: what configuring that feature costs
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: { runs: { type: 'string' }, 'no-costs': { type: 'boolean' } },
});
const runs = Number(values.runs ?? 5);

interface Sample {
  readyMs: number;
  /** CPU the process used until ready (user + system): far less sensitive to machine load. */
  cpuMs: number;
  rssMb: number;
}

/** One cache folder for every run, as a user's stable home would give (the CLI's compile cache). */
const cacheHome = await mkdtemp(join(tmpdir(), 'oc-startup-cache-'));

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

async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const a = srv.address();
  await new Promise<void>((r) => srv.close(() => r()));
  return typeof a === 'object' && a ? a.port : 0;
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** One start: spawn, poll /readyz every 2 ms, wait 1.5 s, read RSS, stop. */
async function sample(command: string[], cwd = root): Promise<Sample> {
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

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const med = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)]!;
const r1 = (n: number) => Math.round(n * 10) / 10;

async function series(command: string[], cwd?: string) {
  await sample(command, cwd); // warm the file cache; not counted
  const s: Sample[] = [];
  for (let i = 0; i < runs; i++) s.push(await sample(command, cwd));
  const ready = s.map((x) => x.readyMs);
  const rss = s.map((x) => x.rssMb);
  return {
    readyMs: {
      min: Math.round(Math.min(...ready)),
      median: Math.round(med(ready)),
      max: Math.round(Math.max(...ready)),
    },
    idleRssMb: { min: r1(Math.min(...rss)), median: r1(med(rss)) },
  };
}

const cliBundle = join(root, 'apps', 'cli', 'dist', 'openclaw.js');
const starts: Record<string, { command: string[]; cwd?: string }> = {
  './run gateway (the README)': { command: [join(root, 'run'), 'gateway'] },
  'CLI bundle: node apps/cli/dist/openclaw.js gateway run (packages, systemd unit)': {
    command: [process.execPath, cliBundle, 'gateway', 'run'],
  },
  'daemon entry: node apps/gateway/dist/gateway.js': {
    command: [process.execPath, join(root, 'apps', 'gateway', 'dist', 'gateway.js')],
  },
  'sources: node --conditions=@openclaw/source apps/cli/src/bin.ts gateway run': {
    command: [
      process.execPath,
      '--conditions=@openclaw/source',
      join(root, 'apps', 'cli', 'src', 'bin.ts'),
      'gateway',
      'run',
    ],
  },
};

/** What each lazily loaded library adds when its feature is configured (resolved where it is declared). */
const costs: Record<string, { modules: string[]; from: string }> = {
  'Telegram (telegraf)': { modules: ['telegraf'], from: 'apps/cli' },
  'Slack (@slack/web-api, @slack/socket-mode)': {
    modules: ['@slack/web-api', '@slack/socket-mode'],
    from: 'apps/cli',
  },
  'Discord (discord.js)': { modules: ['discord.js'], from: 'apps/cli' },
  'WhatsApp (@whiskeysockets/baileys, qrcode)': {
    modules: ['@whiskeysockets/baileys', 'qrcode'],
    from: 'apps/cli',
  },
  'Signal / iMessage (axios)': { modules: ['axios'], from: 'apps/cli' },
  'cluster store (ioredis)': { modules: ['ioredis'], from: 'packages/store-redis' },
  'Control UI builder, from source only (vite)': { modules: ['vite'], from: 'apps/control-ui' },
  'A2UI builder, from source only (esbuild)': { modules: ['esbuild'], from: 'apps/gateway' },
};

async function main() {
  // The README's command builds when sources are newer than the bundle: do that first, untimed.
  await new Promise<void>((res, rej) => {
    const c = spawn(join(root, 'run'), ['openclaw', '--version'], { cwd: root, stdio: 'ignore' });
    c.once('exit', (code) =>
      code === 0 ? res() : rej(new Error(`./run openclaw --version exited ${code}`)),
    );
  });
  const report: Record<string, unknown> = {
    machine: { cpus: cpus().length, node: process.version, loadavg1m: r1(loadavg()[0]!) },
    runs,
    startup: {} as Record<string, unknown>,
  };
  for (const [name, s] of Object.entries(starts)) {
    (report.startup as Record<string, unknown>)[name] = await series(s.command, s.cwd);
  }
  if (!values['no-costs']) {
    const base = await series([process.execPath, cliBundle, 'gateway', 'run']);
    const out: Record<string, unknown> = { 'idle, nothing configured': base.idleRssMb };
    for (const [name, c] of Object.entries(costs)) {
      const preload = c.modules.flatMap((m) => ['--import', m]);
      // --import resolves from the working directory: the package that declares the library.
      const s = await series([process.execPath, ...preload, cliBundle, 'gateway', 'run'], join(root, c.from));
      out[name] = { idleRssMb: s.idleRssMb.median, addsMb: r1(s.idleRssMb.median - base.idleRssMb.median) };
    }
    report.lazyLibraryCosts = out;
  }
  report.machine = { ...(report.machine as object), loadavg1mAfter: r1(loadavg()[0]!) };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  await rm(cacheHome, { recursive: true, force: true });
}

await main();
