// `pnpm pack:all` (or `node tooling/build/pack.ts <gateway|node|protocol>… [--out DIR] [--no-build]`):
// the installable packages as npm tarballs, built from this checkout and never published here.
//
//   openclaw-gateway    the gateway and the `openclaw` CLI: apps/cli's bundle (the gateway app,
//                       gateway-core, providers and their common libraries compiled in), the
//                       built Control UI and A2UI page; platform SDKs as optional dependencies
//   openclaw-node       the node agent (`openclaw-node`); playwright-core optional (canvas)
//   @openclaw/protocol  the SDK: tsc output with types, TypeBox as its one dependency
//
// Each is staged in DIR/stage/<name> with a manifest written for installation (no workspace or
// catalog specifiers, no source-only export conditions), then `npm pack`ed into DIR.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export class PackError extends Error {
  override name = 'PackError';
}

type Manifest = Record<string, unknown> & {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;

/** The `catalog:` block of pnpm-workspace.yaml (flat `name: version` lines). */
function catalog(): Record<string, string> {
  const out: Record<string, string> = {};
  let inside = false;
  for (const line of readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').split('\n')) {
    if (/^catalog:\s*$/.test(line)) {
      inside = true;
      continue;
    }
    if (inside && /^\S/.test(line)) break;
    const m = inside ? /^\s+"?([^":]+)"?:\s*"?([^"\s]+)"?\s*$/.exec(line) : null;
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** Replace `catalog:` specifiers with the catalog's version; a workspace specifier is an error. */
function installable(deps: Record<string, string> | undefined, where: string): Record<string, string> {
  const cat = catalog();
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(deps ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (spec.startsWith('workspace:')) throw new PackError(`${where}: ${name} is a workspace package`);
    const resolved = spec === 'catalog:' ? cat[name] : spec;
    if (!resolved) throw new PackError(`${where}: ${name} is not in the catalog`);
    out[name] = resolved;
  }
  return out;
}

/** Drop the in-repo `@openclaw/source` condition: the package ships no sources. */
function withoutSourceCondition(exports: unknown): unknown {
  if (Array.isArray(exports)) return exports.map(withoutSourceCondition);
  if (exports && typeof exports === 'object') {
    return Object.fromEntries(
      Object.entries(exports)
        .filter(([k]) => k !== '@openclaw/source')
        .map(([k, v]) => [k, withoutSourceCondition(v)]),
    );
  }
  return exports;
}

const COMMON = {
  license: 'MIT',
  type: 'module',
  engines: { node: '>=24' },
};

function copyDist(from: string, to: string): void {
  if (!existsSync(from)) throw new PackError(`${from} is missing: build first (pnpm build)`);
  // Source maps stay in the repo: they double the install for stack traces the bundle's
  // unminified names already make readable.
  cpSync(from, to, { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('.built') });
}

interface Staged {
  dir: string;
  manifest: Manifest;
}

async function stageGateway(stage: string): Promise<Staged> {
  const app = readJson<Manifest>(join(root, 'apps', 'cli', 'package.json'));
  copyDist(join(root, 'apps', 'cli', 'dist'), join(stage, 'dist'));
  const ui = join(root, 'apps', 'control-ui', 'dist');
  if (!existsSync(join(ui, 'index.html'))) {
    throw new PackError('apps/control-ui/dist is missing: pnpm --filter @openclaw/control-ui build');
  }
  copyDist(ui, join(stage, 'dist', 'control-ui'));
  cpSync(join(root, 'apps', 'cli', 'README.md'), join(stage, 'README.md'));
  const manifest: Manifest = {
    name: 'openclaw-gateway',
    version: app.version,
    description:
      'An OpenClaw-compatible messaging gateway and its openclaw CLI: one process owns your chat-platform connections behind one typed WebSocket API.',
    keywords: ['openclaw', 'gateway', 'telegram', 'slack', 'discord', 'whatsapp', 'signal', 'websocket'],
    ...COMMON,
    bin: { openclaw: 'dist/openclaw.js' },
    files: ['dist', 'README.md'],
    // Everything else is compiled into dist/. Platform SDKs are optional: installed by default,
    // left out with --omit=optional; each loads only when its channel is configured.
    optionalDependencies: installable(app.optionalDependencies, 'apps/cli optionalDependencies'),
  };
  return { dir: stage, manifest };
}

async function stageNode(stage: string): Promise<Staged> {
  const app = readJson<Manifest>(join(root, 'apps', 'node-agent', 'package.json'));
  copyDist(join(root, 'apps', 'node-agent', 'dist'), join(stage, 'dist'));
  cpSync(join(root, 'apps', 'node-agent', 'README.md'), join(stage, 'README.md'));
  const manifest: Manifest = {
    name: 'openclaw-node',
    version: app.version,
    description:
      'A headless OpenClaw node: pairs with a gateway, declares the commands it can run and answers approved invokes.',
    keywords: ['openclaw', 'node', 'agent'],
    ...COMMON,
    bin: { 'openclaw-node': 'dist/node-agent.js' },
    files: ['dist', 'README.md'],
    // Only the canvas commands need it, and only where a Chromium is installed.
    optionalDependencies: installable(app.optionalDependencies, 'apps/node-agent optionalDependencies'),
  };
  return { dir: stage, manifest };
}

async function stageProtocol(stage: string): Promise<Staged> {
  const dir = join(root, 'packages', 'protocol');
  const pkg = readJson<Manifest & { files: string[]; exports: unknown }>(join(dir, 'package.json'));
  for (const f of pkg.files) {
    if (!existsSync(join(dir, f))) throw new PackError(`packages/protocol/${f} is missing: build first`);
    cpSync(join(dir, f), join(stage, f), { recursive: true });
  }
  const { scripts: _s, devDependencies: _d, ...rest } = pkg;
  const manifest: Manifest = {
    ...rest,
    engines: COMMON.engines,
    exports: withoutSourceCondition(pkg.exports),
    dependencies: installable(pkg.dependencies, 'packages/protocol dependencies'),
  };
  return { dir: stage, manifest };
}

const stagers: Record<string, (stage: string) => Promise<Staged>> = {
  gateway: stageGateway,
  node: stageNode,
  protocol: stageProtocol,
};

export interface PackResult {
  target: string;
  name: string;
  version: string;
  tarball: string;
  bytes: number;
}

/** The environment without pnpm's `npm_config_*` settings, which npm would misread. */
export function npmEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !/^npm_/i.test(k)));
}

/** What the packages are made from, built (turbo: cached when nothing changed). */
export function buildInputs(): void {
  execFileSync(
    'pnpm',
    [
      'exec',
      'turbo',
      'run',
      'build',
      '--output-logs=errors-only',
      ...['@openclaw/cli', '@openclaw/node-agent', '@openclaw/protocol', '@openclaw/control-ui'].map(
        (f) => `--filter=${f}`,
      ),
    ],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
}

/** Stage and `npm pack` one target into `out` (from what is built: see buildInputs). */
export async function pack(target: string, out: string): Promise<PackResult> {
  const stager = stagers[target];
  if (!stager) throw new PackError(`unknown package ${target}; one of ${Object.keys(stagers).join(', ')}`);
  const stage = join(out, 'stage', target);
  rmSync(stage, { recursive: true, force: true });
  mkdirSync(stage, { recursive: true });
  const { manifest } = await stager(stage);
  writeFileSync(join(stage, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  const before = new Set(readdirSync(out));
  const printed = execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
    cwd: stage,
    env: npmEnv(),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const info = (JSON.parse(printed) as { filename: string; size: number }[])[0];
  if (!info) throw new PackError(`npm pack printed nothing for ${target}`);
  const tarball = join(out, info.filename.replace(/^@/, '').replace(/\//, '-'));
  if (!existsSync(tarball)) {
    const made = readdirSync(out).filter((f) => f.endsWith('.tgz') && !before.has(f));
    throw new PackError(`npm pack wrote ${made.join(', ') || 'nothing'}, expected ${tarball}`);
  }
  return { target, name: manifest.name, version: manifest.version, tarball, bytes: info.size };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { out: { type: 'string' }, 'no-build': { type: 'boolean' } },
  });
  const out = resolve(values.out ?? join(root, '.pack'));
  mkdirSync(out, { recursive: true });
  const which = positionals.length > 0 ? positionals : Object.keys(stagers);
  try {
    if (!values['no-build']) buildInputs();
    for (const t of which) {
      const r = await pack(t, out);
      console.log(`${r.name}@${r.version}  ${r.tarball}  (${Math.round(r.bytes / 1024)} KB)`);
    }
  } catch (error) {
    console.error(`pack: ${(error as Error).message}`);
    process.exit(error instanceof PackError ? 2 : 1);
  }
}
