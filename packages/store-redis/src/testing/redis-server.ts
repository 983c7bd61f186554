// A throwaway redis-server for tests: loopback only, nothing written to disk, gone after stop().
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisServer {
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  /** The running process id; undefined while stopped. */
  readonly pid: number | undefined;
  /** SIGTERM, then SIGKILL after the stop timeout. Resolves once the process has exited. */
  stop(): Promise<void>;
  /** Stop, then start again on the same port: an outage that clients must ride out. Data is lost. */
  restart(): Promise<void>;
  /** Take the server down and leave it down (an outage of chosen length); `resume()` ends it. */
  pause(): Promise<void>;
  /** Start it again on the same port after `pause()`. Data is lost. */
  resume(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

export interface StartRedisServerOptions {
  /** Default: `$REDIS_SERVER_BIN`, else Debian's /usr/bin/redis-server. */
  binary?: string | undefined;
  /** How long to wait for PONG. Default 10 s. */
  startTimeoutMs?: number | undefined;
  /** How long SIGTERM gets before SIGKILL. Default 3 s. */
  stopTimeoutMs?: number | undefined;
}

const CANDIDATES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'];

function findBinary(explicit?: string): string | undefined {
  const wanted = explicit ?? process.env.REDIS_SERVER_BIN;
  if (wanted) return existsSync(wanted) ? wanted : undefined;
  return CANDIDATES.find((p) => existsSync(p));
}

/**
 * Why startRedisServer could not start one. Test files say they need Redis with
 * `needs('redis-server')` from tooling/vitest/requirements.ts (which looks in the same places).
 */
export const REDIS_SERVER_MISSING =
  'redis-server is not installed (apt-get install -y redis-server, or set REDIS_SERVER_BIN)';

export async function startRedisServer(options: StartRedisServerOptions = {}): Promise<RedisServer> {
  const binary = findBinary(options.binary);
  if (!binary) throw new Error(REDIS_SERVER_MISSING);
  const startTimeoutMs = options.startTimeoutMs ?? 10_000;
  const stopTimeoutMs = options.stopTimeoutMs ?? 3_000;
  // Redis only writes here if someone sets a save point at runtime; keep it out of the cwd anyway.
  const dir = await mkdtemp(join(tmpdir(), 'oc-redis-'));
  let child: ChildProcess | undefined;
  let port = 0;
  // If the test process exits without stopping us (a crash, a missing afterAll), take the server
  // down with it. 'exit' handlers must be synchronous; kill() is.
  const killOnExit = () => child?.kill('SIGKILL');
  process.on('exit', killOnExit);

  const launch = async (onPort: number) => {
    child = await spawnReady(binary, onPort, dir, startTimeoutMs);
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (c) await stopChild(c, stopTimeoutMs);
  };

  try {
    // The free port can be taken between choosing and binding it; choose again a few times.
    for (let attempt = 1; ; attempt++) {
      port = await freePort();
      try {
        await launch(port);
        break;
      } catch (error) {
        if (attempt >= 3 || !(error instanceof PortInUseError)) throw error;
      }
    }
  } catch (error) {
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  let disposed = false;
  const dispose = async () => {
    await stop();
    if (disposed) return;
    disposed = true;
    process.off('exit', killOnExit);
    await rm(dir, { recursive: true, force: true });
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    stop: dispose,
    async restart() {
      if (disposed) throw new Error('redis-server was stopped for good; start a new one');
      await stop();
      await launch(port);
    },
    async pause() {
      if (disposed) throw new Error('redis-server was stopped for good; start a new one');
      await stop();
    },
    async resume() {
      if (disposed) throw new Error('redis-server was stopped for good; start a new one');
      if (!child) await launch(port);
    },
    [Symbol.asyncDispose]: dispose,
  };
}

class PortInUseError extends Error {
  override name = 'PortInUseError';
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function spawnReady(
  binary: string,
  port: number,
  dir: string,
  timeoutMs: number,
): Promise<ChildProcess> {
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--dir',
      dir,
      '--daemonize',
      'no',
      '--logfile',
      '',
      '--loglevel',
      'warning',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString()).slice(-4000);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => {});

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) {
      const message = `redis-server on port ${port} exited while starting:\n${output}`;
      throw /already in use|Could not create server TCP/.test(output)
        ? new PortInUseError(message)
        : new Error(message);
    }
    if ((await Promise.race([ping(port), spawnError])) && !exited) return child;
    if (Date.now() > deadline) {
      await stopChild(child, 1000);
      throw new Error(`redis-server on port ${port} did not answer PING within ${timeoutMs} ms:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One PING over a raw socket: true on +PONG. (A Redis client would retry and log on its own.) */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (d) => {
      reply += d.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function stopChild(child: ChildProcess, timeoutMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}
