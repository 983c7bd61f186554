import { defineConfig } from 'vitest/config';

// Tests run on source: the @openclaw/source condition resolves workspace packages to src/*.ts.
const conditions = ['@openclaw/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@openclaw/source'] } },
  test: {
    include: [
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'apps/*/src/**/*.test.ts',
      'apps/*/test/**/*.test.ts',
      'tooling/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**', '**/*.interop.test.ts', '**/*.pack.test.ts'],
    setupFiles: ['./tooling/vitest/setup.ts'],
    // The skip reporter fails the run on a skip without an accepted reason (tooling/vitest/README.md).
    reporters: ['default', './tooling/vitest/skip-reporter.ts'],
    // Process-level tests start gateways and CLI processes on the sources; a busy 2-core machine
    // needs the room. A hang still fails, just later.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Files run three at a time. Vitest's default is one worker per core minus one: a single one on
    // the 2-core CI machine, where the suite then ran file by file in ~12 minutes. Most of that is
    // waiting (gateways, CLIs, Chromium and fakes as processes; leases and timers), not CPU, so three
    // side by side keep both cores busy. Files share nothing: ports are bound as 0, state lives in
    // per-test temp dirs (docs/TESTING.md, "How the suite runs").
    maxWorkers: 3,
    typecheck: {
      enabled: true,
      include: ['packages/*/src/**/*.test-d.ts'],
      tsconfig: './packages/protocol/tsconfig.node.json',
    },
  },
});
