// The reference OpenClaw package (CLI, node host, Control UI build), installed from npm into a
// scratch folder outside the repo, and ways to run it against our gateway. For the opt-in
// interop suite only (`pnpm test:interop`): it is 300+ MB.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { connect as netConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@openclaw/test-fakes';

const run = promisify(execFile);
export const REFERENCE_VERSION = '2026.9.6';
export const referenceDir =
  process.env.OPENCLAW_INTEROP_DIR ?? join(tmpdir(), `openclaw-reference-${REFERENCE_VERSION}`);
export const referenceBin = join(referenceDir, 'node_modules', '.bin', 'openclaw');
export const referenceControlUi = join(referenceDir, 'node_modules', 'openclaw', 'dist', 'control-ui');

export async function ensureReference(): Promise<void> {
  if (existsSync(referenceBin)) return;
  await mkdir(referenceDir, { recursive: true });
  await run(
    'npm',
    ['install', '--prefix', referenceDir, '--no-audit', '--no-fund', `openclaw@${REFERENCE_VERSION}`],
    {
      timeout: 540_000,
      maxBuffer: 64 * 1024 * 1024,
    },
  );
}

/** `cron run <id> --wait`, polling fast enough for a test. */
export function cronRunWaitArgs(id: string): string[] {
  return ['cron', 'run', id, '--wait', '--wait-timeout', '60s', '--poll-interval', '200ms'];
}

export interface RefResult {
  code: number | null;
  out: string;
}

/** Run the reference CLI to completion with a clean environment (it reacts to test-runner variables). */
export function ref(
  args: string[],
  home: string,
  env: Record<string, string> = {},
  timeoutMs = 180_000,
): Promise<RefResult> {
  return new Promise((resolve) => {
    const child = spawn(referenceBin, args, {
      env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

export interface RefProcess {
  child: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Start a long-running reference command (the node host). */
export function refProcess(args: string[], home: string, env: Record<string, string> = {}): RefProcess {
  const child = spawn(referenceBin, args, {
    env: { PATH: process.env.PATH ?? '', HOME: home, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => {
    out += d;
  });
  child.stderr!.on('data', (d: Buffer) => {
    out += d;
  });
  return {
    child,
    output: () => out,
    async waitFor(re, timeoutMs = 120_000) {
      const deadline = Date.now() + timeoutMs;
      while (!re.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}; output:\n${out}`);
        if (child.exitCode !== null)
          throw new Error(`exited (${child.exitCode}) before ${re}; output:\n${out}`);
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    stop() {
      return new Promise((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    },
  };
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
  '.webmanifest': 'application/manifest+json',
};
/** Paths that belong to the gateway, passed through to it. */
const GATEWAY_PATHS = ['/__openclaw__/', '/api/', '/healthz', '/readyz'];

export interface ServedUi {
  url: string;
  close(): Promise<void>;
}

/**
 * The reference Control UI build, served the way a gateway serves it (same origin as the
 * WebSocket), with the WebSocket and the gateway's own paths passed through to our gateway.
 * The page's relative asset paths get a `<base href="/">` so deep links load.
 */
export async function serveReferenceUi(gatewayPort: number): Promise<ServedUi> {
  const root = referenceControlUi;
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0] ?? '/');
    if (GATEWAY_PATHS.some((p) => path.startsWith(p))) {
      const up = httpRequest(
        { host: '127.0.0.1', port: gatewayPort, path: req.url, method: req.method, headers: req.headers },
        (r) => {
          res.writeHead(r.statusCode ?? 502, r.headers);
          r.pipe(res);
        },
      );
      up.on('error', () => {
        res.writeHead(502);
        res.end();
      });
      req.pipe(up);
      return;
    }
    void (async () => {
      const candidate = normalize(join(root, path));
      let file = candidate.startsWith(root + sep) || candidate === root ? candidate : undefined;
      if (file) {
        const s = await stat(file).catch(() => undefined);
        if (!s?.isFile()) file = undefined;
      }
      if (!file && extname(path) !== '') {
        res.writeHead(404);
        res.end();
        return;
      }
      file ??= join(root, 'index.html');
      let body: Buffer | string = await readFile(file);
      if (file.endsWith('index.html'))
        body = body.toString('utf8').replace('<head>', '<head><base href="/">');
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
      res.end(body);
    })().catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  const tunnels = new Set<{ destroy(): void }>();
  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    tunnels.add(socket);
    socket.once('close', () => tunnels.delete(socket));
    const up = netConnect(gatewayPort, '127.0.0.1', () => {
      let h = `${req.method} ${req.url} HTTP/1.1\r\n`;
      for (let i = 0; i < req.rawHeaders.length; i += 2)
        h += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
      up.write(`${h}\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    up.on('close', () => socket.destroy());
    socket.on('error', () => up.destroy());
    socket.on('close', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        // Upgraded sockets are not the HTTP server's to close: end the tunnels first.
        for (const t of tunnels) t.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/**
 * Until no WebSocket frame has arrived for a second (the page has what it asked for), at most 30 s;
 * rejects if the page never goes quiet.
 */
export async function quietWebSocket(frames: string[]): Promise<void> {
  let seen = frames.length;
  let since = Date.now();
  await waitFor(
    () => {
      if (frames.length !== seen) {
        seen = frames.length;
        since = Date.now();
      }
      return Date.now() - since >= 1000;
    },
    30_000,
    'a quiet WebSocket',
  );
}
