// Stryker for one module of tooling/mutate/modules.ts, chosen by MUTATE_MODULE (run.ts sets it).
// Started by `pnpm mutate`; never part of the test suite or CI.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { modules } from './modules.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const name = process.env.MUTATE_MODULE ?? '';
const mod = modules[name];
if (!mod) throw new Error(`MUTATE_MODULE must be one of: ${Object.keys(modules).join(', ')}`);
const out = `reports/mutation/${name}`;

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // By path: with pnpm's isolated node_modules, Stryker cannot find its plugins by name.
  plugins: [
    fileURLToPath(import.meta.resolve('@stryker-mutator/vitest-runner')),
    fileURLToPath(new URL('./ignore-logging.mjs', import.meta.url)),
  ],
  // Log calls are left out of the score (see ignore-logging.mjs).
  ignorers: ['logging'],
  vitest: { configFile: 'tooling/mutate/vitest.config.ts', related: false },
  // Each mutant runs only the tests that reached it in the first run.
  coverageAnalysis: 'perTest',
  mutate: mod.mutate(root),
  testFiles: mod.tests,
  // Small, shared machines: one or two workers, and room for a busy CPU before a mutant counts as a hang.
  concurrency: 1,
  timeoutMS: 15_000,
  dryRunTimeoutMinutes: 15,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `${out}/index.html` },
  jsonReporter: { fileName: `${out}/mutation.json` },
  incrementalFile: `${out}/incremental.json`,
  clearTextReporter: { allowColor: false, logTests: false, reportTests: false },
  // Copies of the repo with the mutated files, beside it (git-ignored) so node_modules links resolve.
  tempDirName: '.stryker-tmp',
  ignorePatterns: ['docs', 'reports', 'test-artifacts', '.tools', '.turbo', 'coverage', '**/dist'],
  thresholds: { high: 90, low: 80, break: null },
};
