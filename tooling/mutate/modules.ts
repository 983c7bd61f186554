// The modules under mutation testing: where a silent bug would cost most. Each names the code to
// mutate and the test files that are meant to catch a change in it (the rest of the suite is not
// run, so a mutant counts as killed only by the tests that own the behaviour).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface MutationModule {
  /** Files (or `file:start-end` line ranges) to mutate, relative to the repo root. */
  mutate: (root: string) => string[];
  /** Test files to run against the mutants. */
  tests: string[];
}

const core = 'packages/gateway-core/src';
const coreTest = 'packages/gateway-core/test';
const redis = 'packages/store-redis/src';
const storeTests = [
  `${core}/store/memory-store.test.ts`,
  `${core}/store/sqlite-store.test.ts`,
  `${redis}/redis-store.test.ts`,
];

/**
 * The lines of one block in a larger file: from the first line matching `start` to the next line
 * that closes it at the same indentation. Found by content, so edits above it do not shift it.
 */
export function block(root: string, file: string, start: RegExp): string {
  const lines = readFileSync(join(root, file), 'utf8').split('\n');
  const first = lines.findIndex((l) => start.test(l));
  if (first < 0) throw new Error(`mutate: ${start} not found in ${file}`);
  const indent = /^\s*/.exec(lines[first] ?? '')?.[0] ?? '';
  const close = new RegExp(`^${indent}[}\\]]`);
  const last = lines.findIndex((l, i) => i > first && close.test(l));
  if (last < 0) throw new Error(`mutate: the block at ${file}:${first + 1} has no end`);
  return `${file}:${first + 1}-${last + 1}`;
}

export const modules: Record<string, MutationModule> = {
  auth: {
    mutate: () => [
      `${core}/auth/authenticator.ts`,
      `${core}/auth/device-proof.ts`,
      `${core}/auth/session-of.ts`,
      `${core}/auth/gateway-auth.ts`,
      `${core}/auth/report-restriction.ts`,
      `${core}/auth/auth-limiter.ts`,
      `${core}/auth/http-authenticator.ts`,
      `${core}/auth/secrets.ts`,
      `${core}/auth/device-verifier.ts`,
      // secrets.ts draws its tokens and salts from the pool.
      `${core}/util/random-pool.ts`,
    ],
    tests: [
      `${core}/auth/*.test.ts`,
      `${core}/util/random-pool.test.ts`,
      `${coreTest}/handshake.test.ts`,
      `${coreTest}/connect-decisions.test.ts`,
      `${coreTest}/connect-credentials.test.ts`,
      `${coreTest}/pairing.test.ts`,
    ],
  },
  pairing: {
    mutate: () => [
      `${core}/pairing/device-pairing.ts`,
      `${core}/pairing/device-tokens.ts`,
      `${core}/pairing/authority.ts`,
    ],
    tests: [`${core}/pairing/*.test.ts`, `${coreTest}/pairing.test.ts`, `${coreTest}/handshake.test.ts`],
  },
  router: {
    mutate: () => [`${core}/router/router.ts`, `${core}/router/idempotency.ts`],
    tests: [
      `${core}/router/*.test.ts`,
      `${coreTest}/router-events.test.ts`,
      `${coreTest}/router-dispatch.test.ts`,
    ],
  },
  outbox: {
    mutate: () => [
      `${core}/channels/outbox.ts`,
      `${core}/channels/outbox-lane.ts`,
      `${core}/channels/outbox-message.ts`,
      `${core}/channels/outbox-in-doubt.ts`,
      `${core}/channels/outbox-retry.ts`,
      `${core}/channels/fit-media.ts`,
    ],
    tests: [
      `${core}/channels/outbox*.test.ts`,
      `${core}/channels/fit-media.test.ts`,
      `${core}/channels/supervisor*.test.ts`,
      `${core}/channels/channel-defaults.test.ts`,
    ],
  },
  supervisor: {
    mutate: () => [
      `${core}/channels/supervisor.ts`,
      `${core}/channels/account-status.ts`,
      `${core}/channels/account-liveness.ts`,
      `${core}/channels/restart-backoff.ts`,
    ],
    tests: [
      `${core}/channels/supervisor*.test.ts`,
      `${core}/channels/restart-backoff.test.ts`,
      `${core}/channels/outbox*.test.ts`,
      `${core}/channels/channel-defaults.test.ts`,
    ],
  },
  leases: {
    mutate: (root) => [
      block(root, `${core}/store/memory-channel-repos.ts`, /^export function memoryLeases\(/),
      block(root, `${core}/store/sqlite-channel-repos.ts`, /^export function sqliteLeases\(/),
      `${redis}/redis-leases.ts`,
    ],
    tests: [...storeTests, `${core}/store/*lease*.test.ts`],
  },
  'store-idempotency': {
    mutate: (root) => [
      block(root, `${core}/store/memory-store.ts`, /^ {4}idempotency: \{/),
      block(root, `${core}/store/sqlite-kv-repos.ts`, /^export function sqliteIdempotency\(/),
      `${redis}/redis-idempotency.ts`,
    ],
    tests: storeTests,
  },
};
