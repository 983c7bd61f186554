import { defineConfig } from 'vitest/config';

// `pnpm test:interop`: the reference OpenClaw CLI (300+ MB from npm) against our gateway. Opt-in.
const conditions = ['@openclaw/source', 'node', 'import', 'default'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['@openclaw/source'] } },
  test: {
    include: ['apps/*/test/**/*.interop.test.ts'],
    setupFiles: ['./tooling/vitest/setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
