// Bundles an app's entries into its dist/ with esbuild. Workspace packages and the libraries
// every run needs (fastify, ws, pino, commander, TypeBox, …) are compiled in: one file to parse
// instead of hundreds of modules to resolve, which halves start-up and trims idle memory
// (docs/PERFORMANCE.md). What stays external is what an installation may leave out: the app's
// optionalDependencies (platform SDKs, Chromium's driver), each imported lazily, only when
// configured. The bundle is exactly what `pnpm pack:<app>` ships.
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Target {
  dir: string;
  entries: Record<string, string>;
  /** Ships the gateway's HTTP surfaces: the A2UI host page goes next to the bundle. */
  a2ui?: boolean;
}

export const targets: Record<string, Target> = {
  gateway: { dir: 'apps/gateway', entries: { gateway: 'src/bin.ts', main: 'src/main.ts' }, a2ui: true },
  cli: { dir: 'apps/cli', entries: { openclaw: 'src/bin.ts' }, a2ui: true },
  'node-agent': { dir: 'apps/node-agent', entries: { 'node-agent': 'src/bin.ts' } },
};

/**
 * Imports left in the bundle that no installation provides, each reached only on a path the
 * bundle never takes or guarded by the library that makes it: esbuild builds the A2UI script
 * when running from source (the bundle ships it prebuilt); the rest are native accelerators
 * their libraries load inside try/catch.
 */
const NEVER_INSTALLED = new Set(['esbuild', 'bufferutil', 'utf-8-validate']);

/**
 * Loaded only when the configuration asks for them (a channel, cluster.redisUrl, a canvas
 * command, an on-demand UI build, a model for agent turns), never by an idle gateway: no entry
 * may reach one through static imports. Every optional dependency is in this set too.
 */
const LAZY = new Set([
  'ioredis',
  'esbuild',
  'vite',
  'playwright-core',
  'ai',
  '@ai-sdk/anthropic',
  '@ai-sdk/openai',
  '@ai-sdk/openai-compatible',
  '@ai-sdk/provider',
  '@ai-sdk/provider-utils',
]);

export class BundleError extends Error {
  override name = 'BundleError';
}

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

const packageName = (specifier: string): string => {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] ?? specifier);
};
const builtins = new Set(builtinModules);
const isBuiltin = (s: string) => s.startsWith('node:') || builtins.has(packageName(s));

/** Marks the app's optional libraries (and NEVER_INSTALLED) external; everything else is bundled. */
function externals(optional: Set<string>): Plugin {
  return {
    name: 'openclaw-externals',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (isBuiltin(args.path)) return undefined;
        const name = packageName(args.path);
        if (optional.has(name) || NEVER_INSTALLED.has(name)) return { path: args.path, external: true };
        return undefined;
      });
    },
  };
}

/** The packages (name → version) whose code was compiled into the outputs, and their licences. */
function bundledPackages(meta: Metafile): Map<string, { version: string; license: string; text?: string }> {
  const found = new Map<string, { version: string; license: string; text?: string }>();
  for (const input of Object.keys(meta.inputs)) {
    const at = input.lastIndexOf(`node_modules/`);
    if (at < 0) continue;
    const rest = input.slice(at + 'node_modules/'.length);
    const name = packageName(rest);
    const dir = join(root, input.slice(0, at), 'node_modules', name);
    if (found.has(name)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
      version: string;
      license?: string;
    };
    const file = ['LICENSE', 'LICENSE.md', 'LICENSE.txt', 'license', 'LICENCE', 'license.md'].find((f) =>
      existsSync(join(dir, f)),
    );
    const entry: { version: string; license: string; text?: string } = {
      version: pkg.version,
      license: pkg.license ?? 'see package',
    };
    if (file) entry.text = readFileSync(join(dir, file), 'utf8').trim();
    found.set(name, entry);
  }
  return found;
}

function writeNotices(
  outdir: string,
  packages: Map<string, { version: string; license: string; text?: string }>,
) {
  const lines = [
    'Third-party software compiled into this bundle, with the licence each is distributed under.',
    '',
  ];
  for (const [name, p] of [...packages].sort(([a], [b]) => a.localeCompare(b))) {
    lines.push(`## ${name}@${p.version} (${p.license})`, '');
    if (p.text) lines.push(p.text, '');
  }
  writeFileSync(join(outdir, 'THIRD_PARTY_NOTICES.md'), `${lines.join('\n')}\n`);
}

/** Bare imports the outputs still make (what must be installed next to the bundle). */
function externalImports(meta: Metafile): Set<string> {
  const out = new Set<string>();
  for (const o of Object.values(meta.outputs)) {
    for (const imp of o.imports) if (imp.external && !isBuiltin(imp.path)) out.add(packageName(imp.path));
  }
  return out;
}

/**
 * An external is installed from the app's manifest but was written against the workspace package
 * that imports it: both must name the same version, or the bundle runs a library nobody tested.
 */
function checkSameSpecs(app: Manifest, names: string[]): void {
  const want = app.optionalDependencies ?? {};
  for (const folder of ['packages', 'apps']) {
    for (const entry of readdirSync(join(root, folder))) {
      const file = join(root, folder, entry, 'package.json');
      if (!existsSync(file)) continue;
      const other = JSON.parse(readFileSync(file, 'utf8')) as Manifest;
      for (const n of names) {
        const spec = other.dependencies?.[n] ?? other.optionalDependencies?.[n];
        if (spec !== undefined && want[n] !== undefined && spec !== want[n]) {
          throw new BundleError(
            `${app.name} declares ${n}@${want[n]} but ${other.name} is written against ${n}@${spec}`,
          );
        }
      }
    }
  }
}

/**
 * What an entry loads before it runs: the outputs reachable through static imports. A lazy
 * package found there (compiled in, or an external import) fails the build.
 */
function checkLazy(meta: Metafile, entries: Set<string>, lazy: Set<string>): void {
  for (const [file, out] of Object.entries(meta.outputs)) {
    // Dynamically imported modules are entry points to esbuild too; only the bins count here.
    if (!out.entryPoint || !entries.has(out.entryPoint)) continue;
    const seen = new Set<string>();
    const queue = [file];
    while (queue.length > 0) {
      const f = queue.pop()!;
      if (seen.has(f)) continue;
      seen.add(f);
      const o = meta.outputs[f];
      if (!o) continue;
      for (const input of Object.keys(o.inputs)) {
        const at = input.lastIndexOf('node_modules/');
        const pkg = at < 0 ? undefined : packageName(input.slice(at + 'node_modules/'.length));
        if (pkg && lazy.has(pkg)) {
          throw new BundleError(
            `${file} loads ${pkg} at start-up (via ${f}); import it lazily where it is used`,
          );
        }
      }
      for (const imp of o.imports) {
        if (imp.kind !== 'import-statement') continue;
        if (imp.external) {
          if (!isBuiltin(imp.path) && lazy.has(packageName(imp.path))) {
            throw new BundleError(`${file} imports ${imp.path} at start-up (via ${f}); import it lazily`);
          }
        } else queue.push(imp.path);
      }
    }
  }
}

export async function bundle(
  name: string,
  options: { outdir?: string } = {},
): Promise<{ outdir: string; externals: string[] }> {
  const target = targets[name];
  if (!target) throw new BundleError(`unknown target ${name}; one of ${Object.keys(targets).join(', ')}`);
  const dir = join(root, target.dir);
  const outdir = options.outdir ?? join(dir, 'dist');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest;
  const optional = new Set(Object.keys(pkg.optionalDependencies ?? {}));
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: Object.fromEntries(Object.entries(target.entries).map(([k, v]) => [k, join(dir, v)])),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    conditions: ['@openclaw/source'],
    absWorkingDir: root,
    plugins: [externals(optional)],
    // Whitespace and syntax only: identifiers stay readable in stack traces.
    minifyWhitespace: true,
    minifySyntax: true,
    // Licence texts go to THIRD_PARTY_NOTICES.md; no comment keeps a non-ASCII byte in the
    // source, so V8 holds it as one-byte strings (half the memory).
    legalComments: 'none',
    charset: 'ascii',
    sourcemap: 'linked',
    metafile: true,
    // CommonJS libraries compiled into an ES module still call require() for built-ins.
    banner: {
      js: "#!/usr/bin/env node\nimport { createRequire as __openclawRequire } from 'node:module';\nconst require = __openclawRequire(import.meta.url);",
    },
    logLevel: 'warning',
  });
  const entries = new Set(
    Object.values(target.entries).map((e) => relative(root, join(dir, e)).split(sep).join('/')),
  );
  checkLazy(result.metafile, entries, new Set([...LAZY, ...optional]));
  const left = [...externalImports(result.metafile)];
  const undeclared = left.filter((n) => !optional.has(n) && !NEVER_INSTALLED.has(n));
  if (undeclared.length > 0) {
    throw new BundleError(
      `${target.dir}: the bundle imports ${undeclared.join(', ')} but does not declare it`,
    );
  }
  const compiledIn = bundledPackages(result.metafile);
  if (target.a2ui) {
    // The A2UI host page: its script bundled for the browser, next to the bundle (assets.ts
    // looks for ./a2ui/ beside itself).
    const a2uiSrc = join(root, 'apps', 'gateway', 'src', 'a2ui');
    const a2ui = join(outdir, 'a2ui');
    mkdirSync(a2ui, { recursive: true });
    copyFileSync(join(a2uiSrc, 'index.html'), join(a2ui, 'index.html'));
    const page = await build({
      entryPoints: [join(a2uiSrc, 'host.ts')],
      outfile: join(a2ui, 'host.js'),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      absWorkingDir: root,
      metafile: true,
      logLevel: 'warning',
    });
    for (const [n, p] of bundledPackages(page.metafile)) compiledIn.set(n, p);
  }
  writeNotices(outdir, compiledIn);
  checkSameSpecs(pkg, left);
  return { outdir, externals: left.sort() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const name = process.argv[2] ?? '';
  try {
    const { outdir } = await bundle(name);
    console.log(`built ${relative(root, outdir).split(sep).join('/')}`);
  } catch (error) {
    console.error(`bundle: ${(error as Error).message}`);
    process.exit(error instanceof BundleError ? 2 : 1);
  }
}
