import { existsSync, type FSWatcher, watch } from 'node:fs';
import { mkdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AuthPeer, HttpAuthenticator, Logger } from '@openclaw/gateway-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendAuthFailure } from './http-auth.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const SESSION_COOKIE = 'openclaw_session';
const CANVAS_CSP =
  "default-src 'self' data: blob:; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'";
const LIVE_SCRIPT = `(() => {
  const es = new EventSource('/__openclaw__/canvas/__events');
  es.addEventListener('change', () => location.reload());
})();
`;
const STARTER_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Canvas</title></head>
<body><h1>Canvas</h1><p>Files in this folder are served at /__openclaw__/canvas/ and reload live when they change.</p></body></html>
`;

export interface SurfacesOptions {
  canvasDir: string;
  log: Logger;
  /** The core's HTTP authentication (Bearer credentials and canvas sessions, behind the limiter). */
  auth: HttpAuthenticator;
  /** Who sent a request (the same decision as for WebSocket upgrades). */
  peer: (req: FastifyRequest) => AuthPeer;
}

function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

/** Where the A2UI page lives: next to this module (src/a2ui in development, dist/a2ui when built). */
const a2uiDir = fileURLToPath(new URL('./a2ui/', import.meta.url));

let a2uiScript: Promise<string> | undefined;
/** The A2UI host script: the prebuilt bundle, or built from source on first use in development. */
function loadA2uiScript(): Promise<string> {
  a2uiScript ??= (async () => {
    const built = join(a2uiDir, 'host.js');
    if (existsSync(built)) return readFile(built, 'utf8');
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [join(a2uiDir, 'host.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      write: false,
      minify: true,
      legalComments: 'none',
    });
    return out.outputFiles[0]!.text;
  })();
  return a2uiScript;
}

/**
 * The browser surfaces on the gateway port: the canvas folder (agent-editable HTML/CSS/JS with
 * live reload) and the A2UI host page. Both need gateway auth: a Bearer header, or a session
 * cookie obtained by POSTing a Bearer credential to /__openclaw__/session (HttpOnly, SameSite).
 */
export async function registerSurfaces(app: FastifyInstance, o: SurfacesOptions): Promise<{ close(): void }> {
  const root = resolve(o.canvasDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  if (!existsSync(join(root, 'index.html'))) await writeFile(join(root, 'index.html'), STARTER_PAGE);
  const realRoot = await realpath(root);
  const sse = new Set<FastifyReply>();
  let watcher: FSWatcher | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const guard = async (req: FastifyRequest, reply: FastifyReply, surface: string): Promise<boolean> => {
    const auth = await o.auth.authenticate({
      peer: o.peer(req),
      authorization: req.headers.authorization,
      sessionId: cookieOf(req, SESSION_COOKIE),
      audience: 'canvas',
      surface,
    });
    if (auth.ok) return true;
    sendAuthFailure(reply, auth, 'text');
    return false;
  };

  app.post('/__openclaw__/session', async (req, reply) => {
    const r = await o.auth.openSession({
      peer: o.peer(req),
      authorization: req.headers.authorization,
      surface: 'session',
    });
    if (!('sessionId' in r)) return sendAuthFailure(reply, r, 'json');
    const secure = req.protocol === 'https' ? '; Secure' : '';
    reply.header(
      'set-cookie',
      `${SESSION_COOKIE}=${r.sessionId}; HttpOnly; SameSite=Strict; Path=/__openclaw__/; Max-Age=${r.maxAgeMs / 1000}${secure}`,
    );
    return reply.code(204).send();
  });

  app.get('/__openclaw__/canvas/__live.js', async (req, reply) => {
    if (!(await guard(req, reply, 'canvas'))) return;
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(LIVE_SCRIPT);
  });

  app.get('/__openclaw__/canvas/__events', async (req, reply) => {
    if (!(await guard(req, reply, 'canvas'))) return;
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-store',
      connection: 'keep-alive',
      'x-content-type-options': 'nosniff',
    });
    reply.raw.write(': live reload\n\n');
    sse.add(reply);
    req.raw.on('close', () => sse.delete(reply));
    if (!watcher) {
      watcher = watch(root, { recursive: true }, () => {
        clearTimeout(debounce);
        debounce = setTimeout(() => {
          for (const r of sse) r.raw.write('event: change\ndata: {}\n\n');
        }, 50);
      });
      watcher.on('error', (error) => o.log.warn({ err: error }, 'canvas watcher failed'));
    }
  });

  app.get('/__openclaw__/canvas', async (_req, reply) => reply.redirect('/__openclaw__/canvas/'));
  app.get('/__openclaw__/canvas/*', async (req, reply) => {
    if (!(await guard(req, reply, 'canvas'))) return;
    const rel = (req.params as { '*': string })['*'] ?? '';
    const file = await resolveInside(realRoot, rel);
    if (!file) return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    // Canvas pages are agent-written and often use inline scripts: allowed here, nowhere else.
    reply.header('cache-control', 'no-store').header('content-security-policy', CANVAS_CSP).type(type);
    if (type.startsWith('text/html')) {
      const html = await readFile(file, 'utf8');
      const tag = '<script src="/__openclaw__/canvas/__live.js"></script>';
      return reply.send(
        html.includes('</body>') ? html.replace('</body>', `${tag}</body>`) : `${html}${tag}`,
      );
    }
    return reply.send(await readFile(file));
  });

  app.get('/__openclaw__/a2ui', async (_req, reply) => reply.redirect('/__openclaw__/a2ui/'));
  app.get('/__openclaw__/a2ui/', async (req, reply) => {
    if (!(await guard(req, reply, 'a2ui'))) return;
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await readFile(join(a2uiDir, 'index.html')));
  });
  app.get('/__openclaw__/a2ui/host.js', async (req, reply) => {
    if (!(await guard(req, reply, 'a2ui'))) return;
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await loadA2uiScript());
  });

  return {
    close() {
      clearTimeout(debounce);
      watcher?.close();
      for (const r of sse) r.raw.end();
      sse.clear();
    },
  };
}

/**
 * The real path of `rel` inside `root`, or undefined for anything that would leave it: `..`
 * segments (in any encoding, after decoding), backslashes, NUL bytes, or symlinks pointing out.
 * A directory resolves to its index.html.
 */
export async function resolveInside(realRoot: string, rel: string): Promise<string | undefined> {
  if (rel.includes('\0') || rel.includes('\\')) return undefined;
  const segments = rel.split('/');
  if (segments.some((s) => s === '..' || s === '.')) return undefined;
  let candidate = resolve(realRoot, ...segments.filter(Boolean));
  if (candidate !== realRoot && !candidate.startsWith(realRoot + sep)) return undefined;
  let real: string;
  try {
    real = await realpath(candidate);
  } catch {
    return undefined;
  }
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  const st = await stat(real);
  if (st.isDirectory()) {
    candidate = join(real, 'index.html');
    try {
      real = await realpath(candidate);
    } catch {
      return undefined;
    }
    if (!real.startsWith(realRoot + sep)) return undefined;
  }
  return real;
}
