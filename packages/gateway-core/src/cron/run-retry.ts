import type { CronJobRecord, CronRunRecord, FailureReason } from '../store/types.ts';

/**
 * How long a job waits after failed runs in a row (the reference's schedule): 30 s, 1 min, 5 min,
 * 15 min, then 60 min for every further failure.
 */
export const ERROR_BACKOFF_MS = [30_000, 60_000, 300_000, 900_000, 3_600_000] as const;

/** Early retries of a job after transient errors (the reference's default), one-shot or recurring. */
export const TRANSIENT_RETRIES = 3;

/** The reasons of a failed model call that may pass if tried again (the reference's list). */
const TRANSIENT_REASONS: readonly FailureReason[] = ['rate_limit', 'overloaded', 'server_error', 'timeout'];

// What the reference counts as a transient error by its text, for a failure whose provider answer
// gave no reason: rate limits, an overloaded provider, network failures, timeouts and server
// errors. Status codes only with a word saying so, so a number in an unrelated message is not
// taken for one.
const TRANSIENT = [
  /\b(?:https?|status|code|error|response)\b[\s:=#"'(]{0,6}(?:429|529|5\d\d)\b/i,
  /^\s*(?:429|529|5\d\d)\b/,
  /rate[ _-]?limit|too many requests|resource has been exhausted|quota exceeded|tokens per day/i,
  /overloaded|high demand|capacity exceeded/i,
  /network|fetch failed|socket|econnreset|econnrefused|eai_again|enetdown|enetreset|enetunreach|ehostunreach|ehostdown|epipe/i,
  /timeout|timed out|etimedout/i,
  /internal server error|bad gateway|service unavailable|gateway time-?out|\b5xx\b/i,
];

/**
 * Whether a run's failure may pass if tried again, as the reference decides it: by the reason the
 * provider's answer gave, when it gave one (a 401 is not transient whatever its text says, a 500
 * is whatever it says), else by the error's text.
 */
export function isTransientError(error: string | undefined, reason?: FailureReason): boolean {
  if (reason) return TRANSIENT_REASONS.includes(reason);
  return !!error && TRANSIENT.some((re) => re.test(error));
}

/** The wait after `failures` failed runs in a row, on `schedule` (its last step repeats). */
export function errorBackoffMs(failures: number, schedule: readonly number[] = ERROR_BACKOFF_MS): number {
  return schedule[Math.max(0, Math.min(failures - 1, schedule.length - 1))] as number;
}

/**
 * Whether a run started by hand (`cron run`) leaves a one-shot job's coming occurrence in place,
 * as the reference's does: the job is neither removed nor turned off by it, and still fires then.
 */
export function keepsOneShotOccurrence(job: CronJobRecord, run: CronRunRecord): boolean {
  if (run.trigger !== 'manual' || job.schedule.kind !== 'at') return false;
  const at = job.enabled && job.nextRunAtMs !== null ? job.nextRunAtMs : Date.parse(job.schedule.at);
  return at > run.startedAtMs;
}

/**
 * When a job runs next after this failed run, where the failure changes that (the reference's
 * policy). After a transient error (for a one-shot job, a run cut off by a restart too), one of
 * the first three in a row, a job is tried again 30 s,
 * 1 min, then 5 min after the failed run ended: a one-shot job in any case, a recurring job when
 * that comes before its next scheduled run (which the retry then replaces: its run after the
 * retry is that scheduled one, so none is run twice). Otherwise a one-shot job is turned off as
 * usual, and a recurring job's next run is pushed out to at least the backoff after its failures
 * in a row; a success ends that (its next run is its schedule's again). A run started by hand
 * changes no schedule.
 */
export function nextRunAfterFailure(
  job: CronJobRecord,
  run: CronRunRecord,
  failures: number,
): number | undefined {
  if (run.status !== 'error' || !job.enabled || failures < 1) return undefined;
  const endedAt = run.endedAtMs ?? run.startedAtMs;
  // A run cut off by a restart is tried again only for a one-shot job; a recurring one waits for
  // its schedule, as the reference's does (its restart error is no transient one).
  const cutOff = run.interrupted === true && job.schedule.kind === 'at';
  const retryAt =
    (cutOff || isTransientError(run.error, run.errorReason)) && failures <= TRANSIENT_RETRIES
      ? endedAt + errorBackoffMs(failures, ERROR_BACKOFF_MS.slice(0, TRANSIENT_RETRIES))
      : undefined;
  if (job.schedule.kind === 'at') return keepsOneShotOccurrence(job, run) ? undefined : retryAt;
  if (run.trigger === 'manual' || job.nextRunAtMs === null) return undefined;
  if (retryAt !== undefined && retryAt < job.nextRunAtMs) return retryAt;
  return Math.max(job.nextRunAtMs, endedAt + errorBackoffMs(failures));
}
