// Bundles an app's entry into dist/ with esbuild: workspace packages are compiled in from
// source, npm dependencies stay external (resolved from node_modules at run time).
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const targets: Record<string, { dir: string; entries: Record<string, string> }> = {
  gateway: { dir: 'apps/gateway', entries: { gateway: 'src/bin.ts', main: 'src/main.ts' } },
  cli: { dir: 'apps/cli', entries: { openclaw: 'src/bin.ts' } },
  'node-agent': { dir: 'apps/node-agent', entries: { 'node-agent': 'src/bin.ts' } },
};

const name = process.argv[2] ?? '';
const target = targets[name];
if (!target) {
  console.error(`usage: bundle.ts <${Object.keys(targets).join('|')}>`);
  process.exit(2);
}
const dir = join(root, target.dir);
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
// Every non-workspace dependency (of this app and of the workspace packages it pulls in) stays external.
const external = new Set<string>();
const collect = (pkgDir: string) => {
  const p = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  for (const [dep, spec] of Object.entries(p.dependencies ?? {})) {
    if (spec.startsWith('workspace:')) {
      const wsDir =
        dep.startsWith('@openclaw/gateway') && dep !== '@openclaw/gateway-core'
          ? 'apps/gateway'
          : `packages/${dep.replace('@openclaw/', '')}`;
      collect(join(root, wsDir));
    } else external.add(dep);
  }
};
collect(dir);
void pkg;

await build({
  entryPoints: Object.fromEntries(Object.entries(target.entries).map(([k, v]) => [k, join(dir, v)])),
  outdir: join(dir, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  conditions: ['@openclaw/source'],
  external: [...external],
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
console.log(`built ${target.dir}/dist`);
