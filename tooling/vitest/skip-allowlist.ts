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

export const allowedSkips: readonly AllowedSkip[] = [
  {
    file: 'packages/provider-imessage/src/imessage.contract.test.ts',
    test: 'webhook mode (BlueBubbles posts new-message to the gateway) > channel contract: imessage > liveness: an unreachable platform makes the account degraded with the error and since when; once back it runs clean',
    reason:
      'in webhook mode BlueBubbles posts to the gateway and the adapter calls the server only to send, so an unreachable server shows only once a send fails; the case runs in poll mode',
  },
];
