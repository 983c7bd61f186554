import { spawn } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { cliEntry, SOURCE_CONDITIONS } from './paths.ts';
import { newToken, tempStateDir } from './temp-dir.ts';
import { type TrackedProcess, trackProcess } from './tracked-process.ts';

export interface GatewayProcess extends TrackedProcess {
  /** The bound port (0 when started with `expectExit`). */
  port: number;
  /** `ws://127.0.0.1:<port>` ('' when started with `expectExit`). */
  url: string;
  stateDir: string;
  /** The gateway token it was started with (the `token` option). */
  token: string | undefined;
  /** The gateway's stdout split into lines (its JSON log lines). */
  stdoutLines(): string[];
  /** Env for a CLI with its own state dir (its own device) against this gateway. */
  cliEnv(cliStateDir: string): Record<string, string>;
  /** Stop it (SIGTERM) and remove the state dir if this created it. */
  [Symbol.asyncDispose](): Promise<void>;
}

export interface SpawnGatewayOptions {
  /** Extra `gateway run` arguments (`--port 0` is always given first). */
  args?: string[];
  /** On top of PATH, HOME and OPENCLAW_STATE_DIR (the state dir). */
  env?: Record<string, string>;
  /** Default: a fresh temp dir, removed on dispose. */
  stateDir?: string;
  /** Written as `openclaw.json` in the state dir before start. */
  config?: unknown;
  /** Run on the state dir before start (write config, token files, fixtures). */
  prepare?: (stateDir: string) => Promise<void>;
  /** Start with this gateway token (OPENCLAW_GATEWAY_TOKEN); `true` for a fresh one. */
  token?: string | true;
  /** Resolve when the process exits instead of waiting for it to listen (refused starts). */
  expectExit?: boolean;
  timeoutMs?: number;
}

/** The real gateway process, started through the CLI entry the way operators run it (`gateway run`). */
export function spawnGateway(
  options: SpawnGatewayOptions & { token: string | true },
): Promise<GatewayProcess & { token: string }>;
export function spawnGateway(options?: SpawnGatewayOptions): Promise<GatewayProcess>;
export async function spawnGateway(options: SpawnGatewayOptions = {}): Promise<GatewayProcess> {
  const stateDir = options.stateDir ?? (await tempStateDir());
  const ownsDir = options.stateDir === undefined;
  if (options.config !== undefined) {
    await writeFile(join(stateDir, 'openclaw.json'), JSON.stringify(options.config));
  }
  await options.prepare?.(stateDir);
  const token = options.token === true ? newToken() : options.token;
  const child = spawn(
    process.execPath,
    [SOURCE_CONDITIONS, cliEntry, 'gateway', 'run', '--port', '0', ...(options.args ?? [])],
    {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: stateDir,
        OPENCLAW_STATE_DIR: stateDir,
        ...(token === undefined ? {} : { OPENCLAW_GATEWAY_TOKEN: token }),
        ...options.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const proc = trackProcess(child);
  const removeDir = async () => {
    if (ownsDir) await rm(stateDir, { recursive: true, force: true });
  };
  const made = (port: number, dispose: () => Promise<void>): GatewayProcess => {
    const url = port ? `ws://127.0.0.1:${port}` : '';
    return {
      ...proc,
      port,
      url,
      stateDir,
      token,
      stdoutLines: () => proc.stdout().split('\n').filter(Boolean),
      cliEnv: (cliStateDir) => ({
        OPENCLAW_STATE_DIR: cliStateDir,
        OPENCLAW_GATEWAY_URL: url,
        ...(token === undefined ? {} : { OPENCLAW_GATEWAY_TOKEN: token }),
      }),
      [Symbol.asyncDispose]: dispose,
    };
  };
  if (options.expectExit) {
    await proc.waitForExit(options.timeoutMs ?? 20_000).catch((error: unknown) => {
      // It kept running: the caller gets no handle to stop it, so do it here.
      child.kill('SIGKILL');
      throw error;
    });
    return made(0, removeDir);
  }
  const port = await listeningPort(proc, options.timeoutMs ?? 20_000).catch((error: unknown) => {
    // Not listening in time (a loaded machine): the caller gets no handle to stop it, so do it here.
    child.kill('SIGKILL');
    throw error;
  });
  return made(port, async () => {
    await proc.stop().catch(() => undefined);
    await removeDir();
  });
}

/** The port from the gateway's `gateway listening` log line (JSON on a pipe). */
function listeningPort(proc: TrackedProcess, timeoutMs: number): Promise<number> {
  return new Promise<number>((res, rej) => {
    const timer = setTimeout(() => {
      proc.child.off('exit', onExit);
      rej(new Error(`gateway did not start; output:\n${proc.output()}`));
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      rej(new Error(`gateway exited before listening; output:\n${proc.output()}`));
    };
    const check = () => {
      for (const line of proc.stdout().split('\n')) {
        if (!line.includes('gateway listening')) continue;
        try {
          const j = JSON.parse(line) as { port?: number };
          if (j.port) {
            clearTimeout(timer);
            proc.child.off('exit', onExit);
            proc.child.stdout?.off('data', check);
            res(j.port);
            return;
          }
        } catch {
          // not a JSON line
        }
      }
    };
    proc.child.stdout?.on('data', check);
    proc.child.once('exit', onExit);
    check();
  });
}
