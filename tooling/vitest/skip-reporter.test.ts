// The skip check, run for real: vitest on small fixture files, with a program hidden through its
// override variable, with and without CI=true.
import { describe, expect, it } from 'vitest';
import { isCI } from './requirements.ts';
import { runVitest as run } from './run-vitest.ts';
import { judgeSkips } from './skip-reporter.ts';

const fixture = (name: string) => `tooling/vitest/fixtures/${name}.fixture.ts`;
const runVitest = (files: string[], env: Record<string, string | undefined>, args: string[] = []) =>
  run('tooling/vitest/fixtures/vitest.config.ts', files, env, args);

const hidden = { REDIS_SERVER_BIN: '/nonexistent/redis-server' };

describe('skips', () => {
  it('locally, a missing program skips its suite and the reason is printed once; an allowlisted skip passes', async () => {
    const r = await runVitest([fixture('needs-redis'), fixture('allowed')], hidden);
    expect(r.code, r.out).toBe(0);
    const reason = 'needs redis-server: redis-server not found at REDIS_SERVER_BIN=/nonexistent/redis-server';
    expect(r.out.split(reason)).toHaveLength(2);
    expect(r.out).toContain('tooling/vitest/fixtures/needs-redis.fixture.ts (2 tests)');
    expect(r.out).toContain('a fixture: this skip is listed');
  }, 60_000);

  it('under CI=true a missing program fails the run, naming it and how to install it', async () => {
    const r = await runVitest([fixture('needs-redis'), fixture('allowed')], { ...hidden, CI: 'true' });
    expect(r.code).toBe(1);
    expect(r.out).toContain('MissingRequirementError: CI=true and redis-server not found');
    expect(r.out).toContain('apt-get install -y redis-server');
  }, 60_000);

  it('a skip nobody explained (it.skip, todo, ctx.skip) fails the run, unless the run was narrowed with -t', async () => {
    const r = await runVitest([fixture('unexplained')], {});
    expect(r.code).toBe(1);
    for (const t of [
      'quietly skipped (marked skip)',
      'never written (marked todo)',
      'skips itself (ctx.skip: flaky here)',
    ])
      expect(r.out).toContain(`tooling/vitest/fixtures/unexplained.fixture.ts > ${t}`);
    const narrowed = await runVitest([fixture('unexplained')], {}, ['-t', 'runs']);
    expect(narrowed.code, narrowed.out).toBe(0);
  }, 60_000);

  it('judges by file and full name; a suite entry covers its tests; CI means CI=true or 1', () => {
    const t = (file: string, name: string, requirement?: string) => ({
      file,
      name,
      reason: 'x',
      requirement,
    });
    const v = judgeSkips(
      [
        t('a.test.ts', 'suite > one'),
        t('a.test.ts', 'suiteless'),
        t('b.test.ts', 'suite > one'),
        t('c.test.ts', 'x', 'chromium'),
      ],
      [{ file: 'a.test.ts', test: 'suite', reason: 'why' }],
    );
    expect(v.allowed.map((a) => a.test.name)).toEqual(['suite > one']);
    expect(v.unexplained.map((u) => `${u.file}:${u.name}`)).toEqual([
      'a.test.ts:suiteless',
      'b.test.ts:suite > one',
    ]);
    expect(v.environment.map((e) => e.file)).toEqual(['c.test.ts']);
    expect([
      isCI({ CI: 'true' }),
      isCI({ CI: '1' }),
      isCI({ CI: 'false' }),
      isCI({ CI: '' }),
      isCI({}),
    ]).toEqual([true, true, false, false, false]);
  });
});
