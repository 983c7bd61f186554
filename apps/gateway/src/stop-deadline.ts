/**
 * A stop that never finishes leaves a daemon that neither serves nor exits: the supervisor then
 * kills it without a word about why. So a signal's stop gets a deadline, shorter than the
 * systemd unit's TimeoutStopSec (20 s): past it the daemon says which step it was in and what
 * was still keeping it alive, and exits 1.
 */
export const STOP_DEADLINE_MS = 15_000;

export interface StopDeadlineOptions {
  /** The step the stop is in now (e.g. "closing the gateway"). */
  stage(): string;
  /** Where the error line goes. */
  report(fields: { stage: string; deadlineMs: number; activeResources: string[] }, message: string): void;
  exit(code: number): void;
  deadlineMs?: number;
}

/** Exits through `exit(1)` if `stopping` has not settled within the deadline. */
export function enforceStopDeadline(stopping: Promise<unknown>, o: StopDeadlineOptions): void {
  const deadlineMs = o.deadlineMs ?? STOP_DEADLINE_MS;
  const timer = setTimeout(() => {
    const stage = o.stage();
    o.report(
      { stage, deadlineMs, activeResources: process.getActiveResourcesInfo() },
      `shutdown did not finish within ${deadlineMs} ms (stuck ${stage}); exiting`,
    );
    o.exit(1);
  }, deadlineMs);
  // It must not keep a process alive whose stop finished by itself.
  timer.unref();
  const clear = () => clearTimeout(timer);
  stopping.then(clear, clear);
}
