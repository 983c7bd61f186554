// Bundles an app's entry into dist/ with esbuild: workspace packages are compiled in from
// source, npm dependencies stay external (resolved from node_modules at run time).
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
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
// The app's own npm dependencies stay external (resolved from its node_modules at run time);
// workspace packages are compiled in from source, so whatever they need must be a dependency of the app too.
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
  dependencies?: Record<string, string>;
};
const external = Object.entries(pkg.dependencies ?? {})
  .filter(([, spec]) => !spec.startsWith('workspace:'))
  .map(([dep]) => dep);

await build({
  entryPoints: Object.fromEntries(Object.entries(target.entries).map(([k, v]) => [k, join(dir, v)])),
  outdir: join(dir, 'dist'),
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node24',
  conditions: ['@openclaw/source'],
  external,
  sourcemap: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
if (name === 'gateway') {
  // The A2UI host page: its script bundled for the browser, next to the gateway bundle.
  const a2ui = join(dir, 'dist', 'a2ui');
  mkdirSync(a2ui, { recursive: true });
  copyFileSync(join(dir, 'src', 'a2ui', 'index.html'), join(a2ui, 'index.html'));
  await build({
    entryPoints: [join(dir, 'src', 'a2ui', 'host.ts')],
    outfile: join(a2ui, 'host.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
}
console.log(`built ${target.dir}/dist`);
