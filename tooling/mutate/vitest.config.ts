// The suite's vitest settings, for Stryker: tests on source, no type-check pass, one file at a time.
// Stryker passes the test files of the module under test (tooling/mutate/modules.ts).
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const conditions = ['@openclaw/source', 'node', 'import', 'default'];

export default defineConfig({
  root,
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@openclaw/source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.interop.test.ts'],
    setupFiles: ['./tooling/vitest/setup.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
