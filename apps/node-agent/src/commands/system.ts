import { spawn } from 'node:child_process';
import { arch, cpus, freemem, homedir, hostname, platform, release, totalmem, uptime } from 'node:os';
import { type Allowlist, allowlistFile, CommandRefused, resolveAllowed, which } from '../allowlist.ts';
import type { CommandHandler } from './types.ts';

const BASE_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER'];
const MAX_TIMEOUT_MS = 600_000;

interface RunParams {
  argv: string[];
  cwd?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
  maxOutputBytes?: number;
  stdin?: string;
  /** Set by the gateway when an operator approved this run (exec approvals). */
  approval?: { id?: unknown; decision?: unknown };
}

function asRunParams(p: unknown): RunParams {
  const v = (p ?? {}) as Partial<RunParams>;
  if (!Array.isArray(v.argv) || v.argv.length === 0 || v.argv.some((a) => typeof a !== 'string')) {
    throw new CommandRefused(
      'INVALID_PARAMS',
      'system.run needs argv: a non-empty array of strings (no shell)',
    );
  }
  return v as RunParams;
}

/** system.run: one allowlisted program, no shell, bounded time and output. */
export function systemRun(allowlist: () => Allowlist): CommandHandler {
  return async (raw, { signal }) => {
    const p = asRunParams(raw);
    const list = allowlist();
    const approved = p.approval?.decision === 'allow-once' || p.approval?.decision === 'allow-always';
    const program = await resolveAllowed(p.argv[0]!, list, approved);
    const env: Record<string, string> = {};
    for (const k of BASE_ENV) if (process.env[k] !== undefined) env[k] = process.env[k]!;
    for (const [k, v] of Object.entries(p.env ?? {})) {
      if (!list.env.includes(k))
        throw new CommandRefused(
          'ENV_NOT_ALLOWED',
          `environment variable ${k} is not on this node's allowlist: add it to "env" in ${allowlistFile(list)}`,
        );
      env[k] = String(v);
    }
    const timeoutMs = Math.min(p.timeoutMs ?? 30_000, MAX_TIMEOUT_MS);
    const cap = Math.min(p.maxOutputBytes ?? 64 * 1024, 4 * 1024 * 1024);
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(program, p.argv.slice(1), {
        cwd: p.cwd ?? homedir(),
        env,
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      const out = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false };
      const collect = (key: 'stdout' | 'stderr') => (chunk: Buffer) => {
        const room = cap - out[key].length;
        if (room <= 0) {
          out.truncated = true;
          return;
        }
        if (chunk.length > room) out.truncated = true;
        out[key] = Buffer.concat([out[key], chunk.subarray(0, room)]);
      };
      child.stdout.on('data', collect('stdout'));
      child.stderr.on('data', collect('stderr'));
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, timeoutMs);
      const onAbort = () => child.kill('SIGKILL');
      signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (error) => {
        clearTimeout(timer);
        reject(new CommandRefused('SPAWN_FAILED', error.message));
      });
      child.on('close', (code, sig) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        resolve({
          exitCode: code,
          signal: sig,
          timedOut,
          stdout: out.stdout.toString('utf8'),
          stderr: out.stderr.toString('utf8'),
          truncated: out.truncated,
          durationMs: Date.now() - started,
        });
      });
      if (p.stdin !== undefined) child.stdin.end(p.stdin);
      else child.stdin.end();
    });
  };
}

export const systemWhich: CommandHandler = async (raw) => {
  const name = (raw as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !name)
    throw new CommandRefused('INVALID_PARAMS', 'system.which needs {name}');
  return { name, path: (await which(name)) ?? null };
};

export const systemInfo: CommandHandler = async () => ({
  hostname: hostname(),
  platform: platform(),
  arch: arch(),
  release: release(),
  cpuCount: cpus().length,
  memoryTotalBytes: totalmem(),
  memoryFreeBytes: freemem(),
  uptimeSeconds: Math.round(uptime()),
  node: process.version,
});

/** system.notify through notify-send (declared only where it exists). */
export const systemNotify: CommandHandler = async (raw) => {
  const p = (raw ?? {}) as { title?: unknown; body?: unknown };
  if (typeof p.title !== 'string')
    throw new CommandRefused('INVALID_PARAMS', 'system.notify needs {title, body?}');
  const bin = await which('notify-send');
  if (!bin) throw new CommandRefused('UNAVAILABLE', 'no notifier on this node');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin, [p.title as string, typeof p.body === 'string' ? p.body : ''], {
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', () => resolve());
  });
  return { shown: true };
};
