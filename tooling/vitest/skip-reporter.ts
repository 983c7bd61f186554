// Skipped tests are quiet passes unless someone looks; this reporter looks. After every run it
// sorts the skipped tests into three kinds and prints each reason once:
//
// - a program is missing on this machine (needs(...) in requirements.ts): fine locally, a failure
//   under CI=true (needs() already fails the file there; this catches any other way in);
// - listed in skip-allowlist.ts with a reason: fine;
// - anything else (it.skip, .todo, skipIf, ctx.skip): a failure.
//
// A run narrowed with -t, file:line or test ids skips the rest by design; it is not judged.
import type {
  Reporter,
  TestCase,
  TestModule,
  TestRunEndReason,
  TestSpecification,
  Vitest,
} from 'vitest/node';
import { isCI, type SkipMeta } from './requirements.ts';
import { type AllowedSkip, allowedSkips } from './skip-allowlist.ts';

export interface SkippedTest {
  /** Path from the repo root. */
  file: string;
  /** Suites and test, joined with ' > '. */
  name: string;
  /** What skipped it: a missing program, a ctx.skip note, or the mode (skip, todo). */
  reason: string;
  /** Set when a missing program skipped it. */
  requirement?: string | undefined;
}

export interface SkipVerdict {
  environment: SkippedTest[];
  allowed: { test: SkippedTest; reason: string }[];
  unexplained: SkippedTest[];
}

export function judgeSkips(skipped: SkippedTest[], allowlist: readonly AllowedSkip[]): SkipVerdict {
  const verdict: SkipVerdict = { environment: [], allowed: [], unexplained: [] };
  for (const t of skipped) {
    const allowed = allowlist.find(
      (a) => a.file === t.file && (t.name === a.test || t.name.startsWith(`${a.test} > `)),
    );
    if (allowed) verdict.allowed.push({ test: t, reason: allowed.reason });
    else if (t.requirement) verdict.environment.push(t);
    else verdict.unexplained.push(t);
  }
  return verdict;
}

const tests = (n: number) => `${n} test${n === 1 ? '' : 's'}`;

/** "a.test.ts (3 tests), b.test.ts (1 test)" */
function perFile(skipped: SkippedTest[]): string {
  const counts = new Map<string, number>();
  for (const t of skipped) counts.set(t.file, (counts.get(t.file) ?? 0) + 1);
  return [...counts].map(([f, n]) => `${f} (${tests(n)})`).join(', ');
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const i of items) {
    const k = key(i);
    const list = m.get(k);
    if (list) list.push(i);
    else m.set(k, [i]);
  }
  return m;
}

function skipMeta(test: TestCase): Partial<SkipMeta> {
  // Suite options' meta is copied onto each test; look up the parents too, to be sure.
  let node: TestCase | TestCase['parent'] = test;
  for (;;) {
    const meta = node.meta() as Partial<SkipMeta>;
    if (meta.skipReason) return meta;
    if (node.type === 'module') return {};
    node = node.parent;
  }
}

export interface SkipReporterOptions {
  /** Instead of skip-allowlist.ts (the reporter's own tests use this). */
  allowlist?: readonly AllowedSkip[];
}

export default class SkipReporter implements Reporter {
  readonly #allowlist: readonly AllowedSkip[];
  #vitest: Vitest | undefined;
  #narrowed = false;

  constructor(options: SkipReporterOptions = {}) {
    this.#allowlist = options.allowlist ?? allowedSkips;
  }

  onInit(vitest: Vitest): void {
    this.#vitest = vitest;
  }

  onTestRunStart(specifications: ReadonlyArray<TestSpecification>): void {
    this.#narrowed =
      Boolean(this.#vitest?.config.testNamePattern) ||
      specifications.some(
        (s) => s.testLines?.length || s.testNamePattern || s.testIds?.length || s.testTagsFilter,
      );
  }

  onTestRunEnd(
    modules: ReadonlyArray<TestModule>,
    _errors: ReadonlyArray<unknown>,
    reason: TestRunEndReason,
  ): void {
    if (reason === 'interrupted') return;
    const skipped: SkippedTest[] = [];
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const r = t.result();
        if (r.state !== 'skipped') continue;
        const meta = skipMeta(t);
        skipped.push({
          file: m.relativeModuleId,
          name: t.fullName,
          reason: meta.skipReason ?? (r.note ? `ctx.skip: ${r.note}` : `marked ${t.options.mode}`),
          requirement: meta.requirement,
        });
      }
    }
    const verdict = judgeSkips(skipped, this.#allowlist);
    const out: string[] = [];
    const ci = isCI();
    if (verdict.environment.length) {
      out.push(
        ci
          ? `FAIL: ${tests(verdict.environment.length)} skipped under CI=true because a program is missing:`
          : `Skipped ${tests(verdict.environment.length)}: a program they need is missing on this machine (under CI=true this fails the run):`,
      );
      for (const [why, group] of groupBy(verdict.environment, (t) => t.reason))
        out.push(`  ${why}`, `    ${perFile(group)}`);
    }
    if (verdict.allowed.length) {
      out.push(`Skipped ${tests(verdict.allowed.length)} on purpose (allowlisted with a reason):`);
      for (const [why, group] of groupBy(verdict.allowed, (a) => a.reason))
        out.push(`  ${why}`, `    ${perFile(group.map((a) => a.test))}`);
    }
    if (verdict.unexplained.length && !this.#narrowed) {
      out.push(
        `FAIL: ${tests(verdict.unexplained.length)} skipped without a reason the suite accepts. Run them, use needs(...) from tooling/vitest/requirements.ts for a missing program, or list them with a reason in tooling/vitest/skip-allowlist.ts:`,
      );
      for (const t of verdict.unexplained) out.push(`  ${t.file} > ${t.name} (${t.reason})`);
    }
    if (out.length) this.#vitest?.logger.log(`\n${out.join('\n')}\n`);
    if ((ci && verdict.environment.length) || (verdict.unexplained.length && !this.#narrowed))
      process.exitCode = 1;
  }
}
