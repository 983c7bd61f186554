// The one way a test says it needs a real program on this machine (Redis, Chromium, sshd).
//
//   describe('three gateways on one Redis', needs('redis-server'), () => { … });
//
// Present: the suite runs. Missing under CI (CI=true): the test file fails at once, naming what is
// missing and how to install it — CI must never be green with part of the suite not run. Missing
// elsewhere: the suite is skipped and carries the reason, which the skip reporter prints once.
import { existsSync } from 'node:fs';
import type { TestOptions } from 'vitest';

export type Requirement = 'redis-server' | 'chromium' | 'sshd';

export interface RequirementCheck {
  name: Requirement;
  /** The program to run, when it is there. */
  path: string | undefined;
  /** Every program the requirement covers, by name (sshd comes with ssh). */
  programs: Record<string, string | undefined>;
  /** Why it is not usable, with what to do about it; undefined when it is. */
  missing: string | undefined;
}

/** What the skip reporter reads from a skipped test's meta. */
export interface SkipMeta {
  skipReason: string;
  requirement: Requirement;
}

export class MissingRequirementError extends Error {
  override name = 'MissingRequirementError';
  readonly code = 'TEST_REQUIREMENT_MISSING';
}

/** CI as every CI service sets it (`CI=true`; `CI=1` too). */
export function isCI(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env.CI?.trim().toLowerCase();
  return v !== undefined && v !== '' && v !== '0' && v !== 'false';
}

function firstExisting(override: string | undefined, candidates: string[]): string | undefined {
  // An override names the one place to look: pointing it somewhere empty hides the program.
  if (override) return existsSync(override) ? override : undefined;
  return candidates.find((p) => existsSync(p));
}

const checks: Record<Requirement, (env: NodeJS.ProcessEnv) => RequirementCheck> = {
  'redis-server': (env) => {
    // The same places startRedisServer (@openclaw/store-redis/testing) looks.
    const path = firstExisting(env.REDIS_SERVER_BIN, [
      '/usr/bin/redis-server',
      '/usr/local/bin/redis-server',
    ]);
    return {
      name: 'redis-server',
      path,
      programs: { 'redis-server': path },
      missing: path
        ? undefined
        : `redis-server not found${env.REDIS_SERVER_BIN ? ` at REDIS_SERVER_BIN=${env.REDIS_SERVER_BIN}` : ''} (apt-get install -y redis-server, or set REDIS_SERVER_BIN)`,
    };
  },
  chromium: (env) => {
    const path = firstExisting(env.CHROMIUM_PATH, ['/usr/bin/chromium']);
    return {
      name: 'chromium',
      path,
      programs: { chromium: path },
      missing: path
        ? undefined
        : `chromium not found at ${env.CHROMIUM_PATH ?? '/usr/bin/chromium'} (apt-get install -y chromium, or set CHROMIUM_PATH)`,
    };
  },
  sshd: (env) => {
    const sshd = firstExisting(env.SSHD_PATH, ['/usr/sbin/sshd', '/usr/bin/sshd']);
    const ssh = firstExisting(env.SSH_PATH, ['/usr/bin/ssh']);
    const gaps: string[] = [];
    if (!sshd)
      gaps.push(
        `sshd not found${env.SSHD_PATH ? ` at SSHD_PATH=${env.SSHD_PATH}` : ''} (apt-get install -y openssh-server)`,
      );
    if (!ssh)
      gaps.push(
        `ssh not found${env.SSH_PATH ? ` at SSH_PATH=${env.SSH_PATH}` : ''} (apt-get install -y openssh-client)`,
      );
    // sshd runs its privilege separation as root; the test starts its own on loopback.
    if (process.getuid?.() !== 0) gaps.push('sshd must run as root');
    return {
      name: 'sshd',
      path: sshd,
      programs: { sshd, ssh },
      missing: gaps.length ? gaps.join('; ') : undefined,
    };
  },
};

/** Whether a program is there, and where. */
export function requirement(name: Requirement, env: NodeJS.ProcessEnv = process.env): RequirementCheck {
  return checks[name](env);
}

/**
 * Options for `describe(name, needs(...), fn)`: nothing when every program is there; a skip with
 * its reason locally; a thrown MissingRequirementError under CI (the file fails to load).
 */
export function needs(...names: Requirement[]): TestOptions {
  for (const name of names) {
    const check = requirement(name);
    if (!check.missing) continue;
    if (isCI()) {
      throw new MissingRequirementError(
        `CI=true and ${check.missing}. CI installs it in .ci/run; a run that cannot provide it must fail, not skip.`,
      );
    }
    const meta: SkipMeta = { skipReason: `needs ${name}: ${check.missing}`, requirement: name };
    return { skip: true, meta: meta as NonNullable<TestOptions['meta']> };
  }
  return {};
}
