import { existsSync, type FSWatcher, watch } from 'node:fs';
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import type { Logger } from '@openclaw/gateway-core';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { a2uiDir } from '../assets.ts';
import { resolveInside } from '../resolve-inside.ts';

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
}

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
export const surfaces = fp(registerSurfaces, {
  name: 'openclaw-surfaces',
  fastify: '5.x',
  encapsulate: true,
  dependencies: ['openclaw-http-auth'],
});

async function registerSurfaces(app: FastifyInstance, o: SurfacesOptions): Promise<void> {
  const root = resolve(o.canvasDir);
  await mkdir(root, { recursive: true, mode: 0o700 });
  if (!existsSync(join(root, 'index.html'))) await writeFile(join(root, 'index.html'), STARTER_PAGE);
  const realRoot = await realpath(root);
  const sse = new Set<FastifyReply>();
  let watcher: FSWatcher | undefined;
  let debounce: ReturnType<typeof setTimeout> | undefined;

  const canvas = {
    preHandler: app.httpAuth.require({ audience: 'canvas', surface: 'canvas', body: 'text' }),
  };
  const a2ui = { preHandler: app.httpAuth.require({ audience: 'canvas', surface: 'a2ui', body: 'text' }) };

  app.post('/__openclaw__/session', async (req, reply) => {
    if (await app.httpAuth.openSession(req, reply, 'session')) return reply.code(204).send();
    return reply;
  });

  app.get('/__openclaw__/canvas/__live.js', canvas, async (_req, reply) => {
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-store').send(LIVE_SCRIPT);
  });

  app.get('/__openclaw__/canvas/__events', canvas, async (req, reply) => {
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
  app.get('/__openclaw__/canvas/*', canvas, async (req, reply) => {
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
  app.get('/__openclaw__/a2ui/', a2ui, async (_req, reply) => {
    reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await readFile(join(a2uiDir, 'index.html')));
  });
  app.get('/__openclaw__/a2ui/host.js', a2ui, async (_req, reply) => {
    reply
      .type('text/javascript; charset=utf-8')
      .header('cache-control', 'no-store')
      .send(await loadA2uiScript());
  });

  // Live-reload streams are hijacked responses: end them, or the HTTP server never finishes closing.
  app.addHook('preClose', async () => {
    clearTimeout(debounce);
    watcher?.close();
    for (const r of sse) r.raw.end();
    sse.clear();
  });
}
