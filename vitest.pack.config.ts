import { defineConfig } from 'vitest/config';

// `pnpm test:pack`: packs the three installable packages, installs them into temporary prefixes
// with Node 24 and npm only, and runs them. Opt-in: npm downloads the optional platform SDKs and
// TypeBox from the registry (about a minute on a warm npm cache).
const conditions = ['@openclaw/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@openclaw/source'] } },
  test: {
    include: ['apps/*/test/**/*.pack.test.ts'],
    setupFiles: ['./tooling/vitest/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 900_000,
    pool: 'forks',
    // One file at a time: each starts several gateways and npm installs on a small machine.
    fileParallelism: false,
  },
});
