// `pnpm bench:startup [--runs 5] [--no-costs]`: how fast each way of starting the gateway answers,
// and what it holds at idle. A command, not a test: numbers depend on the machine and its load.
//
//   start-up   spawn → first 200 from /readyz, then RSS after 1.5 s idle, for: the README's
//              `./run gateway`, the CLI bundle (what the packages and the systemd unit run), the
//              daemon entry without the CLI, and the TypeScript sources (for comparison)
//   costs      idle RSS of the CLI bundle with one lazily loaded library preloaded (--import),
//              minus idle RSS without: what configuring that feature costs
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSeries } from './start-sample.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: { runs: { type: 'string' }, 'no-costs': { type: 'boolean' } },
});
const runs = Number(values.runs ?? 5);

/** One cache folder for every run, as a user's stable home would give (the CLI's compile cache). */
const cacheHome = await mkdtemp(join(tmpdir(), 'oc-startup-cache-'));
const r1 = (n: number) => Math.round(n * 10) / 10;
const series = (command: string[], cwd = root) => startSeries(command, { runs, cwd, cacheHome });

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
