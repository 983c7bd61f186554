import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { extname, join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from '@openclaw/gateway-core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  controlUiSourceDir as defaultSourceDir,
  controlUiPackagedDir as packagedDir,
  runningFromSource,
} from '../assets.ts';
import { resolveInside } from '../resolve-inside.ts';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

/** Paths that belong to the gateway itself: never answered with the UI's index.html. */
const RESERVED_PREFIXES = ['/__openclaw__/', '/channels/', '/healthz', '/readyz', '/metrics', '/ws'];
/** Vite puts every bundled file here, with a content hash in its name. */
const HASHED_DIR = 'assets/';
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface ControlUiOptions {
  log: Logger;
  /** The apps/control-ui folder: what an on-demand build builds. */
  sourceDir?: string;
  /** The built UI served when it exists (default `<sourceDir>/dist`, what `vite build` writes). */
  distDir?: string;
  /** Build from source when there is no dist (default: only when the gateway itself runs from source). */
  buildOnDemand?: boolean;
  /** Where on-demand builds are cached (default `<os tmp>/openclaw-control-ui-<uid>`). */
  cacheDir?: string;
}

type Located = { dir: string } | { unavailable: string };

/**
 * The Control UI at `/`: the files an installed package ships beside its bundle; in a clone, the
 * static files `vite build` wrote to apps/control-ui/dist, or — when
 * the gateway runs from source and there is no dist — a build made once on first request into a
 * cache folder under the OS temp dir, keyed by a hash of the UI and protocol sources. Unknown
 * extension-less GET paths get index.html; hashed assets are cached for a year; the gateway's own
 * routes (/healthz, /readyz, /metrics, /__openclaw__/*, /channels/*) are never shadowed.
 */
export const controlUi = fp(registerControlUi, {
  name: 'openclaw-control-ui',
  fastify: '5.x',
  encapsulate: true,
});

async function registerControlUi(app: FastifyInstance, o: ControlUiOptions): Promise<void> {
  const sourceDir = o.sourceDir ?? defaultSourceDir;
  const buildOnDemand = o.buildOnDemand ?? runningFromSource;
  const packaged =
    o.sourceDir === undefined && o.distDir === undefined && existsSync(join(packagedDir, 'index.html'));
  let located: Promise<Located> | undefined;

  const locate = (): Promise<Located> => {
    located ??= (async (): Promise<Located> => {
      if (packaged) return { dir: await realpath(packagedDir) };
      const dist = o.distDir ?? join(sourceDir, 'dist');
      const canBuild = buildOnDemand && existsSync(join(sourceDir, 'index.html'));
      if (existsSync(join(dist, 'index.html'))) {
        // From source, a dist older than the sources would serve yesterday's page: build instead.
        if (!canBuild || !(await olderThanSources(join(dist, 'index.html'), sourceDir))) {
          return { dir: await realpath(dist) };
        }
        o.log.warn(
          { dist },
          'the Control UI dist is older than its sources; serving a fresh build (pnpm --filter @openclaw/control-ui build updates it)',
        );
      }
      if (!canBuild) {
        return {
          unavailable: `the Control UI is not built: run \`pnpm --filter @openclaw/control-ui build\` (expected ${dist})`,
        };
      }
      try {
        return { dir: await realpath(await buildCached(sourceDir, o.cacheDir ?? defaultCacheDir(), o.log)) };
      } catch (error) {
        o.log.error({ err: error }, 'control UI build failed');
        located = undefined; // try again on the next request
        return { unavailable: `the Control UI could not be built: ${(error as Error).message}` };
      }
    })();
    return located;
  };

  const serve = async (rel: string, reply: FastifyReply) => {
    const where = await locate();
    if ('unavailable' in where) {
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(`${where.unavailable}\n`);
    }
    const root = where.dir;
    const file = rel === '' ? undefined : await resolveInside(root, rel);
    if (file && !file.endsWith(`${sep}index.html`)) {
      const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
      const hashed = relative(root, file).split(sep).join('/').startsWith(HASHED_DIR);
      return reply
        .type(type)
        .header('cache-control', hashed ? IMMUTABLE : 'no-cache')
        .send(await readFile(file));
    }
    // A missing file that looks like one (has an extension) is a 404, not the app shell.
    if (!file && rel !== '' && extname(rel) !== '') {
      return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    }
    return reply
      .type('text/html; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(await readFile(join(root, 'index.html')));
  };

  // A WebSocket upgrade only reaches the routes when the gateway stopped taking sockets (it is
  // shutting down): answer at once, never with a page (and never start a build for it).
  const refuseUpgrade = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (req.headers.upgrade === undefined) return false;
    void reply
      .code(503)
      .header('connection', 'close')
      .type('text/plain; charset=utf-8')
      .send('the gateway is not accepting WebSocket connections now\n');
    return true;
  };

  app.get('/', async (req, reply) => (refuseUpgrade(req, reply) ? reply : serve('', reply)));
  app.get('/*', async (req, reply) => {
    if (refuseUpgrade(req, reply)) return reply;
    const path = req.url.split('?')[0] ?? '/';
    if (RESERVED_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) {
      return reply.code(404).type('text/plain; charset=utf-8').send('not found\n');
    }
    return serve((req.params as { '*': string })['*'] ?? '', reply);
  });
}

/** Only what the `vite` module offers that we use (vite is the Control UI's dependency, not ours). */
interface ViteModule {
  build(config: Record<string, unknown>): Promise<unknown>;
}

const builds = new Map<string, Promise<string>>();

/** Per user: what is served from here runs with the operator's gateway access. */
function defaultCacheDir(): string {
  const uid = process.getuid?.();
  return join(tmpdir(), uid === undefined ? 'openclaw-control-ui' : `openclaw-control-ui-${uid}`);
}

/**
 * The cache folder, created private; if it exists but someone else owns it or could write to it
 * (a shared temp dir), a private folder for this process instead: a planted "build" is never served.
 */
async function privateDir(cacheRoot: string): Promise<string> {
  await mkdir(cacheRoot, { recursive: true, mode: 0o700 });
  const st = await stat(cacheRoot);
  const uid = process.getuid?.();
  if (uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0)) return cacheRoot;
  return mkdtemp(join(tmpdir(), 'openclaw-control-ui-'));
}

/** Build the UI once per source revision; concurrent gateways on one machine share the result. */
async function buildCached(sourceDir: string, cacheDir: string, log: Logger): Promise<string> {
  const key = await sourceHash(sourceDir);
  const cacheRoot = await privateDir(cacheDir);
  const out = join(cacheRoot, key);
  if (existsSync(join(out, 'index.html'))) return out;
  let pending = builds.get(out);
  if (!pending) {
    pending = (async () => {
      const started = Date.now();
      const tmp = `${out}.tmp-${process.pid}-${Date.now()}`;
      // vite is resolved from the Control UI's own node_modules.
      const require = createRequire(join(sourceDir, 'package.json'));
      const vite = (await import(pathToFileURL(require.resolve('vite')).href)) as ViteModule;
      try {
        await vite.build({
          root: sourceDir,
          configFile: join(sourceDir, 'vite.config.ts'),
          configLoader: 'native',
          logLevel: 'silent',
          build: { outDir: tmp, emptyOutDir: true },
        });
      } catch (error) {
        await rm(tmp, { recursive: true, force: true });
        throw error;
      }
      try {
        await rename(tmp, out);
      } catch (error) {
        // Another process finished the same build first: theirs is identical.
        if (!existsSync(join(out, 'index.html'))) throw error;
        await rm(tmp, { recursive: true, force: true });
      }
      log.info({ dir: out, ms: Date.now() - started }, 'control UI built from source');
      return out;
    })().finally(() => builds.delete(out));
    builds.set(out, pending);
  }
  return pending;
}

/** Everything that goes into the UI bundle: its own files and the protocol's sources. */
function inputRoots(sourceDir: string): string[] {
  return [sourceDir, join(sourceDir, '..', '..', 'packages', 'protocol', 'src')];
}

/** Content hash of the bundle's inputs: the cache key of an on-demand build. */
async function sourceHash(sourceDir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const root of inputRoots(sourceDir)) {
    for (const file of await listFiles(root)) {
      hash.update(`${relative(root, file)}\0`);
      hash.update(await readFile(file));
    }
  }
  return hash.digest('hex').slice(0, 20);
}

/** Was `builtFile` written before the latest change to the bundle's inputs? */
async function olderThanSources(builtFile: string, sourceDir: string): Promise<boolean> {
  const built = (await stat(builtFile)).mtimeMs;
  for (const root of inputRoots(sourceDir)) {
    for (const file of await listFiles(root)) if ((await stat(file)).mtimeMs > built) return true;
  }
  return false;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  let names: string[];
  try {
    names = (await readdir(dir)).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if ((await stat(p)).isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}
