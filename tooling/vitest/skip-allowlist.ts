// Every skip the suite may have, each with why. A skipped test that is not listed here and is not
// a missing program (see requirements.ts) fails the run: see skip-reporter.ts.
//
// `file` is the test file's path from the repo root; `test` is the test's full name (suites and
// test joined with ' > '), or a suite's, which covers every test in it.

export interface AllowedSkip {
  file: string;
  test: string;
  reason: string;
}

export const allowedSkips: readonly AllowedSkip[] = [];
