import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stateDir } from './local-state.ts';

const run = promisify(execFile);
export const UNIT_NAME = 'openclaw-gateway.service';

/** How to start this CLI non-interactively: the built binary when present, else the source. */
export function cliCommand(): string[] {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = resolve(here, '..', 'dist', 'openclaw.js');
  if (existsSync(built)) return [process.execPath, built];
  // Running from source (here is .../src): keep the source condition so workspace packages resolve.
  const bin = resolve(here, 'bin.ts');
  if (existsSync(bin)) return [process.execPath, '--conditions=@openclaw/source', bin];
  return [process.execPath, resolve(here, 'openclaw.js')];
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_./=:@-]+$/.test(arg) ? arg : `"${arg.replace(/(["\\])/g, '\\$1')}"`;
}

/**
 * The unit text. It carries the state dir, never a secret: the gateway reads its token from
 * the state dir (0600) at start.
 */
export function renderUnit(options: {
  command: string[];
  stateDir: string;
  port?: string | undefined;
}): string {
  const exec = [...options.command, 'gateway', 'run', ...(options.port ? ['--port', options.port] : [])]
    .map(quote)
    .join(' ');
  return [
    '[Unit]',
    'Description=OpenClaw gateway',
    'After=network-online.target',
    'Wants=network-online.target',
    '',
    '[Service]',
    'Type=simple',
    `Environment=OPENCLAW_STATE_DIR=${quote(options.stateDir)}`,
    `ExecStart=${exec}`,
    'Restart=on-failure',
    'RestartSec=2',
    'TimeoutStopSec=20',
    'KillSignal=SIGTERM',
    'NoNewPrivileges=yes',
    'PrivateTmp=yes',
    '',
    '[Install]',
    'WantedBy=default.target',
    '',
  ].join('\n');
}

function defaultUnitDir(): string {
  return join(process.env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'systemd', 'user');
}

async function systemctl(args: string[]): Promise<string | undefined> {
  try {
    await run('systemctl', ['--user', ...args], { timeout: 10_000 });
    return undefined;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  }
}

export async function installUnit(o: {
  unitDir?: string | undefined;
  enable: boolean;
  port?: string | undefined;
}) {
  const dir = o.unitDir ?? defaultUnitDir();
  const path = join(dir, UNIT_NAME);
  await mkdir(dir, { recursive: true });
  await writeFile(path, renderUnit({ command: cliCommand(), stateDir: stateDir(), port: o.port }), {
    mode: 0o644,
  });
  const notes: string[] = [];
  if (o.enable && !o.unitDir) {
    const failed = (await systemctl(['daemon-reload'])) ?? (await systemctl(['enable', '--now', UNIT_NAME]));
    notes.push(
      failed
        ? `systemctl --user failed (${failed}); enable it yourself: systemctl --user enable --now ${UNIT_NAME}`
        : 'enabled and started',
    );
  } else {
    notes.push(`start it with: systemctl --user daemon-reload && systemctl --user enable --now ${UNIT_NAME}`);
  }
  return { path, notes };
}

export async function uninstallUnit(o: { unitDir?: string | undefined }) {
  const dir = o.unitDir ?? defaultUnitDir();
  const path = join(dir, UNIT_NAME);
  const existed = existsSync(path);
  if (existed && !o.unitDir) await systemctl(['disable', '--now', UNIT_NAME]);
  await rm(path, { force: true });
  return { path, removed: existed };
}
